// Fuzzes the exporter's reading of a service document: the first byte chooses one of the default
// configuration's ten services, the rest is the body its /status answered. The body goes through a real
// Collector (JSON parse, json_mapper, the health fields, rendering) and the result through /health's
// document and both exposition bodies. A target reported as failed (invalid_json, mapping errors) is a
// legitimate answer; any exception, crash, hang or UB is a finding, as the exporter must survive any body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/http_client.h"
#include "common/logging.h"
#include "exporter/collector.h"
#include "exporter/config.h"
#include "exporter/health.h"
#include "support/canned_http_client.h"

namespace {

const twikit::exporter::ExporterConfig& default_config() {
  static const auto config = twikit::exporter::load_config_string(twikit::exporter::default_config_text(),
                                                                   "<default>");
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)twikit::setup_logging("error", "logfmt");  // mapping warnings are expected, by the thousand
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& base = default_config();
  auto config = std::make_shared<twikit::exporter::ExporterConfig>(base);
  config->targets = {base.targets[data[0] % base.targets.size()]};
  // 200 and the fuzzer's body, as a service's /status would answer.
  twikit::testing::CannedHttpClient http(std::string(reinterpret_cast<const char*>(data) + 1, size - 1),
                                         "application/json", 0.004);
  const twikit::FakeClock clock(1'700'000'000'000);
  twikit::exporter::Collector collector(config, http, clock);
  const auto snapshot = collector.collect();
  (void)snapshot->plain(twikit::ExpositionFormat::text);
  (void)snapshot->plain(twikit::ExpositionFormat::openmetrics);
  (void)twikit::exporter::health_document(snapshot.get(), clock.now_ms()).dump(2);  // as GET /health does
  return 0;
}
