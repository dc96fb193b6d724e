#pragma once
// Standard base64 (RFC 4648, with padding), as HTTP basic authentication uses it.

#include <string>

namespace twikit {

/// `in` in base64 with '=' padding.
std::string base64_encode(const std::string& in);

/// The bytes `in` encodes, stopping at the first '='; empty when `in` holds a character outside the alphabet.
std::string base64_decode(const std::string& in);

}  // namespace twikit
