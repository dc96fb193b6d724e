#pragma once
// Prometheus-style listen addresses (--web.listen-address): "host:port", ":port", "[::1]:port".

#include <string>

namespace twikit {

/// Host and port parsed from a listen address such as "127.0.0.1:9877", ":9877" or "[::1]:0".
struct ListenAddress {
  std::string host;
  int port = 0;
};

/// Parses `address`; an empty host means all interfaces (0.0.0.0). Throws std::invalid_argument.
ListenAddress parse_listen_address(const std::string& address);

}  // namespace twikit
