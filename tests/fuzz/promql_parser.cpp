// Fuzzes the PromQL lexer and parser (alertd/promql/parser): text in, an AST or a ParseError out. A
// ParseError is a legitimate answer; a crash, a hang, UB or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alertd/promql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  try {
    (void)twikit::promql::parse(query);
  } catch (const twikit::promql::ParseError&) {
  }
  return 0;
}
