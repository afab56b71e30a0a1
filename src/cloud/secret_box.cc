#include "cloud/secret_box.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "cloud/ids.h"
#include "common/status.h"

namespace cairn::cloud {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Errno(const std::string& what, const std::string& path) {
  return path + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  CAIRN_CHECK(key_.size() == kKeyBytes);
}

std::string SecretBox::Seal(std::string_view plain, std::string_view context) const {
  const std::string nonce = RandomBytes(kNonceBytes);
  std::string out;
  out.resize(1 + kNonceBytes + plain.size() + kTagBytes);
  out[0] = static_cast<char>(kVersion);
  std::memcpy(out.data() + 1, nonce.data(), kNonceBytes);
  unsigned char* ct = reinterpret_cast<unsigned char*>(out.data() + 1 + kNonceBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // These calls fail only on allocation failure or misuse (fixed sizes above): invariants.
  CAIRN_CHECK(ctx != nullptr);
  CAIRN_CHECK(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) == 1);
  CAIRN_CHECK(EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(context),
                                static_cast<int>(context.size())) == 1);
  CAIRN_CHECK(EVP_EncryptUpdate(ctx.get(), ct, &len, U(plain), static_cast<int>(plain.size())) ==
              1);
  CAIRN_CHECK(EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) == 1);
  CAIRN_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plain.size()) ==
              1);
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view context,
                                    std::string_view what) const {
  auto bad = [&](std::string_view why) {
    return Status::DataLoss(std::string(what) + ": sealed secret " + std::string(why));
  };
  if (sealed.size() < 1 + kNonceBytes + kTagBytes) return bad("is too short");
  if (static_cast<uint8_t>(sealed[0]) != kVersion) return bad("has an unknown version");
  std::string_view nonce = sealed.substr(1, kNonceBytes);
  std::string_view ct = sealed.substr(1 + kNonceBytes, sealed.size() - 1 - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plain(ct.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  CAIRN_CHECK(ctx != nullptr);
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(context),
                              static_cast<int>(context.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                              U(ct), static_cast<int>(ct.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len,
                                &len) == 1;
  if (!ok) return bad("does not authenticate (modified, or made with another key)");
  return plain;
}

Status WritePrivateFile(const std::string& path, std::string_view contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + ": already exists");
    return Status::Unavailable(Errno("cannot create", path));
  }
  // The umask could only remove bits; make the mode exact anyway.
  Status s;
  if (::fchmod(fd, 0600) != 0) s = Status::Unavailable(Errno("chmod 0600", path));
  size_t done = 0;
  while (s.ok() && done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      s = Status::Unavailable(Errno("write", path));
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (s.ok() && ::fsync(fd) != 0) s = Status::Unavailable(Errno("fsync", path));
  if (::close(fd) != 0 && s.ok()) s = Status::Unavailable(Errno("close", path));
  if (!s.ok()) ::unlink(path.c_str());
  return s;
}

Result<std::string> LoadOrCreateKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    Status s = WritePrivateFile(path, RandomBytes(SecretBox::kKeyBytes));
    // Another process may have created it first: read theirs.
    if (!s.ok() && s.code() != StatusCode::kAlreadyExists) return s;
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return Status::Unavailable(Errno("cannot open key file", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::Unavailable(Errno("stat", path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(path + ": key file has mode " + mode +
                                      "; it must be readable only by its owner (chmod 600)");
  }
  std::string key(SecretBox::kKeyBytes + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(SecretBox::kKeyBytes)) {
    return Status::DataLoss(path + ": key file must hold exactly 32 bytes");
  }
  key.resize(SecretBox::kKeyBytes);
  return key;
}

}  // namespace cairn::cloud
