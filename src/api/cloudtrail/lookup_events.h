// src/api/cloudtrail/lookup_events.h
//
// The LookupEvents operation (spec event-history.md) over HTTP: reads the JSON 1.1 request,
// answers from the event history of the target account (TargetAccount(): the caller's own, or
// the one an admin/auditor names) in the region the call is signed for, with the validation
// errors of spec §7. The lookup itself is src/store/lookup_events.h.
//
// Thread-safety: the handler may run on many threads at once.
#pragma once

#include "api/dispatcher.h"
#include "api/services.h"

namespace cairn::api::cloudtrail {

void RegisterLookupEvents(Dispatcher* dispatcher, ApiServices* services);

// Reads a LookupEvents request object. Errors: SerializationException for members of the wrong
// type, InvalidLookupAttributesException for a malformed LookupAttributes element.
Result<LookupEventsRequest> ParseLookupEventsRequest(simdjson::dom::element input);

}  // namespace cairn::api::cloudtrail
