// src/cloud/signing_keys.h
//
// SigningKeys holds the per-region RSA key pairs that sign trail digest files (spec trails.md
// §9.3-9.4) and that ListPublicKeys publishes. Keys are 2048-bit RSA, valid for 30 days; a new key
// is made when the newest one of a region has less than 2 days left, so validity windows overlap
// as AWS's do. They live in metadata.db (table signing_keys, migration 4): the public key as
// PKCS#1 DER (what ListPublicKeys returns, base64), the private key as PKCS#8 DER sealed with the
// data folder's SecretBox, never in plain text. Fingerprint = lower-case hex MD5 of the public DER.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cloud/metadata_db.h"
#include "cloud/secret_box.h"
#include "common/status.h"

namespace cairn::cloud {

struct PublicKeyInfo {
  std::string region;
  std::string fingerprint;  // hex MD5 of public_der
  std::string public_der;   // PKCS#1 RSAPublicKey
  int64_t valid_from_us = 0;
  int64_t valid_to_us = 0;
};

class SigningKeys {
 public:
  static constexpr int64_t kValidityUs = 30LL * 24 * 3600 * 1000000;
  static constexpr int64_t kRenewBeforeUs = 2LL * 24 * 3600 * 1000000;

  // REQUIRES: `db` and `box` outlive the object.
  SigningKeys(MetadataDb* db, const SecretBox* box) : db_(db), box_(box) {}

  // Makes sure `region` has a key valid at `now_us` with more than kRenewBeforeUs left (creating
  // one if not), then returns every key of the region whose validity overlaps [start_us, end_us],
  // oldest first.
  Result<std::vector<PublicKeyInfo>> PublicKeys(const std::string& region, int64_t now_us,
                                                int64_t start_us, int64_t end_us);

  // The PKCS#8 DER private key of `fingerprint` (for the digest signer).
  Result<std::string> PrivateKey(const std::string& fingerprint);

 private:
  Status EnsureCurrent(const std::string& region, int64_t now_us);

  MetadataDb* db_;
  const SecretBox* box_;
  std::mutex mu_;  // one key generation at a time
};

// Hex MD5 of `der` (the fingerprint of spec §9.4).
std::string KeyFingerprint(std::string_view der);

}  // namespace cairn::cloud
