#pragma once
// Reads Alertmanager's `http_config:` (Prometheus' common HTTP client config) for the HTTP integrations.

#include <string>

#include <yaml-cpp/yaml.h>

#include "alertd/notify/config_yaml.h"

namespace twikit::notify {

/// The credentials `h` asks for; its `*_file` keys are kept as files to read at send time. What alertd's
/// HTTP client cannot do (TLS settings, proxies, OAuth 2) is a load error naming the key, never accepted and
/// ignored; conflicting schemes fail with prometheus/common's "at most one of" words.
HttpAuth load_http_config(const yaml::Reader& r, const YAML::Node& h);

}  // namespace twikit::notify
