// src/cloud/secret_box.h
//
// SecretBox seals short secrets (the secret access keys of credentials) for storage in
// metadata.db. SigV4 verification needs the plain secret, so secrets cannot be hashed; they are
// encrypted with AES-256-GCM (OpenSSL 3) under a 32-byte key kept in its own file in the data
// folder (DIR/secrets.key, mode 0600), so that a copy of metadata.db alone reveals no secret.
//
// Sealed form (doc/access.md, "Credentials at rest"):
//   sealed := version:uint8(1)  nonce[12]  ciphertext[n]  tag[16]
// The associated data is `context` (the access key id), so a sealed secret moved onto another
// credential's row does not open.
//
// Thread-safety: immutable after construction; Seal() and Open() may be called from many threads.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::cloud {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // REQUIRES: key.size() == kKeyBytes.
  explicit SecretBox(std::string key);

  // Encrypts `plain`, binding it to `context`, with a fresh random nonce.
  std::string Seal(std::string_view plain, std::string_view context) const;
  // Decrypts what Seal() made with the same key and context. kDataLoss (naming `what`) when the
  // bytes were modified, belong to another context or key, or are not a sealed secret.
  Result<std::string> Open(std::string_view sealed, std::string_view context,
                           std::string_view what) const;

 private:
  std::string key_;
};

// Reads the key file at `path`, creating it (32 random bytes, mode 0600, created exclusively and
// fsynced) when it does not exist. Fails when the file exists with another size, or is readable or
// writable by anyone but its owner (kFailedPrecondition, naming the path and the mode).
// Uses POSIX calls directly: Env has no notion of file permissions.
Result<std::string> LoadOrCreateKeyFile(const std::string& path);

// Writes `contents` to a new file at `path` with mode 0600 (fails if it exists: kAlreadyExists).
Status WritePrivateFile(const std::string& path, std::string_view contents);

}  // namespace cairn::cloud
