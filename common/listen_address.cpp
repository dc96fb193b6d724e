#include "common/listen_address.h"

#include <stdexcept>

namespace twikit {

ListenAddress parse_listen_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    throw std::invalid_argument("listen address '" + address + "' has no port (want host:port)");
  }
  ListenAddress out;
  out.host = address.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) out.host = "0.0.0.0";
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) {
    throw std::invalid_argument("listen address '" + address + "' has an invalid port");
  }
  out.port = std::stoi(port);
  if (out.port > 65535) throw std::invalid_argument("listen address '" + address + "' port out of range");
  return out;
}

}  // namespace twikit
