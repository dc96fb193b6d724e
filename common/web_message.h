#pragma once
// The request and response of the web layer, free of any server library: handlers see only these.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twikit {

/// HTTP header fields in arrival order; names compare case-insensitively, repeats are kept.
class WebHeaders {
 public:
  /// The first value of `name`, or nullptr when absent.
  const std::string* find(std::string_view name) const;
  /// The first value of `name`, or "" when absent.
  std::string get(std::string_view name) const;
  /// Whether `name` is present.
  bool has(std::string_view name) const { return find(name) != nullptr; }
  /// Replaces every field called `name` with one holding `value`.
  void set(std::string name, std::string value);
  /// Adds a field, keeping earlier ones of the same name.
  void add(std::string name, std::string value);
  /// Removes every field called `name`.
  void remove(std::string_view name);
  /// All fields, in order.
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// Whether two header names (or other ASCII tokens) are equal ignoring case.
bool iequals(std::string_view a, std::string_view b);

/// Decoded name/value parameters in order, repeats included.
using WebParams = std::vector<std::pair<std::string, std::string>>;

/// One request as a handler sees it. `path` is percent-decoded; `query` holds the decoded parameters of
/// the query string in order, repeats included ("a=1&a=2" gives two entries).
struct WebRequest {
  std::string method;
  std::string path;
  std::string raw_query;
  WebParams query;
  WebHeaders headers;
  std::string body;
  /// The client's address and port, e.g. "127.0.0.1:53412" or "[::1]:53412".
  std::string peer;

  /// The first value of query parameter `name`, or nullopt.
  std::optional<std::string> param(std::string_view name) const;
  /// Every value of query parameter `name`, in order.
  std::vector<std::string> params(std::string_view name) const;
};

/// One response. The body is either owned text or a list of views into a shared owner (a snapshot),
/// which is sent without being copied; set_body_parts() keeps the owner alive until the body is sent.
class WebResponse {
 public:
  int status = 200;
  WebHeaders headers;

  /// Sets the body to `text` and the Content-Type header to `content_type`.
  void set_body(std::string text, std::string content_type);
  /// Sets the body to `parts`, sent in order, which stay valid while `owner` lives.
  void set_body_parts(std::shared_ptr<const void> owner, std::vector<std::string_view> parts,
                      std::string content_type);
  /// The body pieces, in order; valid while this response lives and is not changed.
  std::vector<std::string_view> body_parts() const;
  /// The body's length in bytes.
  std::size_t body_size() const;
  /// The body as one string (a copy; for tests and small bodies).
  std::string body() const;
  /// Drops the body (a HEAD response), leaving the headers alone.
  void clear_body();

 private:
  std::string text_;
  std::shared_ptr<const void> owner_;
  std::vector<std::string_view> parts_;  // views into owner_, used when owner_ is set
};

/// Decodes %XX escapes (and '+' as space when `plus_as_space`); a malformed escape is kept as written.
std::string percent_decode(std::string_view in, bool plus_as_space);

/// Splits an application/x-www-form-urlencoded string ("a=1&b=x%20y&a=2") into decoded pairs, in order.
WebParams parse_query(std::string_view query);

/// A request's parameters as Go's Request.ParseForm gives them: those of an
/// application/x-www-form-urlencoded body (POST, PUT, PATCH) first, then the query string's.
WebParams form_params(const WebRequest& request);

}  // namespace twikit
