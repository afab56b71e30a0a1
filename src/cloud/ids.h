// src/cloud/ids.h
//
// Random identifiers in AWS's shapes, from OpenSSL's CSPRNG:
//   request id / resource id  UUID v4, "6d0b8a1e-2f8c-4f7e-9b8e-0e3f1c2d4a5b"
//   access key id             "AKIA" + 16 of A-Z2-7 (20 characters)
//   secret access key         40 characters of A-Za-z0-9+/
//   account id                12 digits, not starting with 0
//   organization id           "o-" + 10 of a-z0-9
// Secrets come only from here. Thread-safety: every function may be called from many threads.
#pragma once

#include <string>
#include <string_view>

namespace cairn::cloud {

// `n` bytes from the CSPRNG. Aborts (CAIRN_CHECK) if the CSPRNG fails: cairn cannot run safely
// without one.
std::string RandomBytes(size_t n);

std::string RandomUuid();  // a version 4 UUID
std::string NewAccessKeyId();
std::string NewSecretAccessKey();
std::string NewAccountId();
std::string NewOrganizationId();

bool IsAccountId(std::string_view s);       // 12 digits
bool IsAccessKeyId(std::string_view s);     // 16..128 of A-Z0-9 (AWS's pattern \w+ is wider)
bool IsOrganizationId(std::string_view s);  // o-[a-z0-9]{10,32}

}  // namespace cairn::cloud
