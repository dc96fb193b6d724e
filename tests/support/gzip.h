#pragma once
// Decoding gzip bodies in tests, independently of the code under test (as a scraper or a browser would).

#include <string>

namespace twikit::testing {

/// Inflates one whole gzip member; throws std::runtime_error when `gz` is not exactly one complete,
/// valid gzip stream (trailing bytes included).
std::string gunzip(const std::string& gz);

}  // namespace twikit::testing
