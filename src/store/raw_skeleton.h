// src/store/raw_skeleton.h
//
// The "skeleton" of an original record: its exact bytes with the values that the segment already
// stores as columns cut out and replaced by short markers. Storing skeleton + columns instead of
// the whole record keeps every byte of the record (it comes back byte for byte) without paying
// twice for high-entropy values such as eventID, requestID or requestParameters. What is left
// (keys, punctuation, whitespace, fields that cairn does not parse) compresses very well.
//
// Marker grammar (byte 0x01 never occurs in a valid JSON text, and is escaped when it does):
//   skeleton := (literal-byte | marker)*
//   marker   := 0x01 c:u8              c < 0xF0: the value of scalar column c (ColumnId)
//             | 0x01 0xF0 c:u8 i:varint      element i of list-child column c (resources.*)
//             | 0x01 0xF1                    eventTime rendered as YYYY-MM-DDTHH:MM:SSZ
//             | 0x01 0xF2                    sessionContext.attributes.creationDate, the same way
//             | 0x01 0xFF                    a literal 0x01 byte
// A value is cut out only where the event's field view points into Event::raw (the parser's
// zero-copy views), so the cut bytes equal the column value by construction.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event/event.h"
#include "store/columns.h"

namespace cairn::segment {

// Appends the skeleton of e.raw to `out`.
void BuildSkeleton(const Event& e, const EventBatch& batch, std::string* out);

// Where a value landed in a reconstructed record.
struct SplicedValue {
  uint16_t column;   // ColumnId, or kSplicedEventTime
  uint32_t element;  // list children: element index
  uint32_t offset;   // in the reconstructed record
  uint32_t size;
};
inline constexpr uint16_t kSplicedEventTime = 0xFFFF;
inline constexpr uint16_t kSplicedCreationDate = 0xFFFE;

// Supplies the value of column `column` (element `element` for list children) of the record being
// rebuilt. Returns a NULL Str when there is no such value (a corrupt skeleton).
using SkeletonValueFn = std::function<Str(ColumnId column, uint32_t element)>;

// Appends the record rebuilt from `skeleton` to `out`. `event_time_us` renders the eventTime
// marker, `creation_date_us` the creationDate marker. Records where each value went in `spliced`
// (if not null; offsets relative to the start of the appended record). Returns false when the
// skeleton is malformed or a value is missing.
bool RebuildRecord(std::string_view skeleton, int64_t event_time_us, int64_t creation_date_us,
                   const SkeletonValueFn& value, std::string* out,
                   std::vector<SplicedValue>* spliced);

// "YYYY-MM-DDTHH:MM:SSZ" for whole-second times in years 0..9999; false otherwise.
bool RenderEventTime(int64_t us, char out[20]);

}  // namespace cairn::segment
