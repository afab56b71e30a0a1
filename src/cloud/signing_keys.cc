#include "cloud/signing_keys.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace cairn::cloud {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::string KeyFingerprint(std::string_view der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(der.data(), der.size(), md, &n, EVP_md5(), nullptr);
  return Hex(md, n);
}

Status SigningKeys::EnsureCurrent(const std::string& region, int64_t now_us) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT MAX(valid_to_us) FROM signing_keys WHERE "
                                             "region = ? AND valid_from_us <= ?"));
  q.Bind(1, region).Bind(2, now_us);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (row && !q.IsNull(0) && q.Int(0) - now_us > kRenewBeforeUs) return Status::OK();

  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(2048));
  if (!key) return Status::Internal("cannot generate an RSA key (OpenSSL EVP_RSA_gen failed)");
  unsigned char* pub = nullptr;
  const int pub_len = i2d_PublicKey(key.get(), &pub);  // PKCS#1 RSAPublicKey for RSA keys
  unsigned char* priv = nullptr;
  const int priv_len = i2d_PrivateKey(key.get(), &priv);
  if (pub_len <= 0 || priv_len <= 0) {
    OPENSSL_free(pub);
    OPENSSL_free(priv);
    return Status::Internal("cannot encode the RSA key (OpenSSL i2d failed)");
  }
  std::string pub_der(reinterpret_cast<char*>(pub), static_cast<size_t>(pub_len));
  std::string priv_der(reinterpret_cast<char*>(priv), static_cast<size_t>(priv_len));
  OPENSSL_free(pub);
  OPENSSL_clear_free(priv, static_cast<size_t>(priv_len));
  const std::string fp = KeyFingerprint(pub_der);
  ASSIGN_OR_RETURN(Statement ins,
                   db_->Prepare("INSERT INTO signing_keys (fingerprint, region, public_der, "
                                "private_sealed, valid_from_us, valid_to_us) VALUES (?, ?, ?, ?, "
                                "?, ?)"));
  return ins.Bind(1, fp)
      .Bind(2, region)
      .BindBlob(3, pub_der)
      .BindBlob(4, box_->Seal(priv_der, fp))
      .Bind(5, now_us)
      .Bind(6, now_us + kValidityUs)
      .Run();
}

Result<std::vector<PublicKeyInfo>> SigningKeys::PublicKeys(const std::string& region,
                                                           int64_t now_us, int64_t start_us,
                                                           int64_t end_us) {
  RETURN_IF_ERROR(EnsureCurrent(region, now_us));
  ASSIGN_OR_RETURN(Statement q,
                   db_->Prepare("SELECT fingerprint, public_der, valid_from_us, valid_to_us FROM "
                                "signing_keys WHERE region = ? AND valid_from_us <= ? AND "
                                "valid_to_us >= ? ORDER BY valid_from_us, fingerprint"));
  q.Bind(1, region).Bind(2, end_us).Bind(3, start_us);
  std::vector<PublicKeyInfo> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    PublicKeyInfo k;
    k.region = region;
    k.fingerprint = q.Text(0).value_or("");
    k.public_der = q.Text(1).value_or("");
    k.valid_from_us = q.Int(2);
    k.valid_to_us = q.Int(3);
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::string> SigningKeys::PrivateKey(const std::string& fingerprint) {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT private_sealed FROM signing_keys WHERE "
                                             "fingerprint = ?"));
  q.Bind(1, fingerprint);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("no signing key with fingerprint " + fingerprint);
  return box_->Open(q.Text(0).value_or(""), fingerprint,
                    db_->path() + ": signing key " + fingerprint);
}

}  // namespace cairn::cloud
