#pragma once
// Go's url.QueryEscape: a string made safe for a URL query or an application/x-www-form-urlencoded body.

#include <string>

namespace twikit {

/// `s` with every byte but ASCII letters, digits and `-_.~` percent-encoded (upper-case hex) and spaces as '+',
/// as Go's url.QueryEscape writes it.
std::string query_escape(const std::string& s);

}  // namespace twikit
