#include "common/basic_auth.h"

#include <crypt.h>

#include "common/base64.h"

namespace twikit {

bool password_matches(const std::string& hash, const std::string& password) {
  crypt_data data{};
  const char* out = crypt_r(password.c_str(), hash.c_str(), &data);
  return out != nullptr && out[0] != '*' && hash == out;
}

bool BasicAuthenticator::allows(const std::string& authorization) const {
  if (users_.empty()) return true;
  if (authorization.rfind("Basic ", 0) != 0) return false;
  const std::string decoded = base64_decode(authorization.substr(6));
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);
  const auto it = users_.find(user);
  if (it == users_.end()) return false;
  const std::string key = user + '\n' + password;
  {
    std::lock_guard lock(mu_);
    if (verified_.count(key) > 0) return true;
  }
  if (!password_matches(it->second, password)) return false;
  std::lock_guard lock(mu_);
  if (verified_.size() >= 1000) verified_.clear();
  verified_.insert(key);
  return true;
}

}  // namespace twikit
