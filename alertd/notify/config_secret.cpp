#include "alertd/notify/config_secret.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "alertd/notify/config.h"
#include "common/base64.h"

namespace twikit::notify {

namespace {

// The ASCII white space Go's strings.TrimSpace trims (a trailing newline, a stray CR from an editor); the
// non-ASCII Unicode spaces it also trims are left in place.
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string trim_space(std::string s) {
  std::size_t end = s.size();
  while (end > 0 && is_space(static_cast<unsigned char>(s[end - 1]))) --end;
  std::size_t begin = 0;
  while (begin < end && is_space(static_cast<unsigned char>(s[begin]))) ++begin;
  return s.substr(begin, end - begin);
}

// Header values may not carry control characters (a newline would start another header).
void check_header_safe(const Secret& s, const std::string& value, const char* what) {
  for (const unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      throw SecretFileError(s.key + " \"" + s.file + "\": the " + what + " contain control characters");
    }
  }
}

}  // namespace

Secret Secret::from_file(std::string path, std::string file_key) {
  Secret s;
  s.file = std::move(path);
  s.key = std::move(file_key);
  return s;
}

std::string resolve(const Secret& secret) {
  if (secret.file.empty()) return secret.value;
  std::ifstream in(secret.file, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw SecretFileError("cannot read " + secret.key + " \"" + secret.file + "\": " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SecretFileError("cannot read " + secret.key + " \"" + secret.file + "\"");
  return trim_space(text.str());
}

std::string resolve_url(const Secret& secret) {
  std::string url = resolve(secret);
  if (!secret.file.empty()) {
    if (const auto problem = url_problem(url)) {
      throw SecretFileError(secret.key + " \"" + secret.file + "\": invalid URL: " + *problem);
    }
  }
  return url;
}

std::string authorization_header(const HttpAuth& auth) {
  switch (auth.scheme) {
    case HttpAuth::Scheme::none:
      return {};
    case HttpAuth::Scheme::basic: {
      // prometheus/common trims the password, inline or from its file.
      const std::string user = resolve(auth.username);
      const std::string password = trim_space(resolve(auth.password));
      return "Basic " + base64_encode(user + ":" + password);
    }
    case HttpAuth::Scheme::authorization: {
      if (auth.credentials.empty()) return {};  // no credentials configured: no header, as prometheus/common
      const std::string credentials = resolve(auth.credentials);
      check_header_safe(auth.credentials, credentials, "credentials");
      return auth.type + " " + credentials;
    }
  }
  return {};
}

}  // namespace twikit::notify
