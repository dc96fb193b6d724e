// Fuzzes the scrape-body parser (common/exposition_parser) in both formats, through the reusable
// zero-copy parser and the owning wrapper. A rejected body is a legitimate answer; a crash, a view past
// the body, UB or an exception is a finding (parse() documents none).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "common/exposition_parser.h"

namespace {

// Reads every byte of every view the parser hands out, so a dangling or overlong view is an ASan report.
class ViewReader final : public twikit::ExpositionHandler {
 public:
  void on_sample(const twikit::SampleView& sample) override {
    read(sample.name);
    read(sample.series);
    for (const auto& label : sample.labels) {
      read(label.name);
      read(label.value);
    }
  }
  void on_type(std::string_view metric, twikit::ParsedMetricType type) override {
    read(metric);
    read(twikit::parsed_metric_type_name(type));
  }
  void on_help(std::string_view metric, std::string_view help) override {
    read(metric);
    read(help);
  }
  void on_unit(std::string_view metric, std::string_view unit) override {
    read(metric);
    read(unit);
  }

 private:
  void read(std::string_view text) { digest_ ^= std::hash<std::string_view>{}(text); }
  std::size_t digest_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  twikit::ExpositionParser parser;  // one parser for both formats: its scratch buffers are reused
  for (const auto format : {twikit::ExpositionFormat::text, twikit::ExpositionFormat::openmetrics}) {
    ViewReader reader;
    (void)parser.parse(body, format, reader);
    (void)twikit::parse_exposition(body, format, twikit::ExpositionParseOptions{.skip_created_series = false});
  }
  return 0;
}
