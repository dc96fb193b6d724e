#pragma once
// Secrets of the notification config: written inline or named by a `*_file` key whose file is read each
// time the secret is used, as Alertmanager reads its `*_file` keys when sending.

#include <stdexcept>
#include <string>
#include <utility>

namespace twikit::notify {

/// A secret value, inline or in a file. A file is read at each use, so a rotated file takes effect with the
/// next notification without a reload.
struct Secret {
  std::string value;  ///< The inline value, used when `file` is empty.
  std::string file;   ///< The file to read at each use (relative paths resolved against the config's directory).
  std::string key;    ///< The key that named the file ("url_file"), for errors.

  Secret() = default;
  /// An inline secret (the usual case in tests and for values from the environment).
  Secret(std::string inline_value) : value(std::move(inline_value)) {}  // NOLINT(google-explicit-constructor)
  /// An inline secret from a literal.
  Secret(const char* inline_value) : value(inline_value) {}  // NOLINT(google-explicit-constructor)
  /// A secret read from `path` at each use; `file_key` names the key in errors.
  static Secret from_file(std::string path, std::string file_key);

  /// Whether neither a value nor a file is set.
  bool empty() const { return value.empty() && file.empty(); }
};

/// A secret file that could not be read when it was needed. The message names the key and the file, never
/// the content.
class SecretFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The secret's value now: the inline value, or the file's content without leading and trailing white space
/// (Go's strings.TrimSpace, as Alertmanager and prometheus/common trim every secret file they read).
/// Throws SecretFileError when the file cannot be read.
std::string resolve(const Secret& secret);

/// resolve() for a receiver URL: a URL read from a file that is not an http(s) URL throws SecretFileError
/// too (naming the file and the problem, never the URL).
std::string resolve_url(const Secret& secret);

/// The credentials an `http_config` asks for (Prometheus' common HTTP client config).
struct HttpAuth {
  /// Which Authorization scheme is configured.
  enum class Scheme { none, basic, authorization };
  Scheme scheme = Scheme::none;  ///< none: no Authorization header.
  std::string type = "Bearer";   ///< `authorization.type` (bearer_token and bearer_token_file are "Bearer").
  Secret credentials;            ///< `authorization.credentials(_file)`, `bearer_token(_file)`.
  Secret username;               ///< `basic_auth.username(_file)`.
  Secret password;               ///< `basic_auth.password(_file)`.
};

/// The Authorization header value `auth` asks for now ("" for none), reading its files. Throws
/// SecretFileError when a file cannot be read or its content cannot be sent in a header (the message never
/// quotes the content).
std::string authorization_header(const HttpAuth& auth);

}  // namespace twikit::notify
