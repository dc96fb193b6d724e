#include "sim/sim.h"

#include <stdexcept>

#include "common/logging.h"
#include "sim/admin_api.h"

namespace twikit::sim {

Sim::Sim(SimConfig config, const Clock& clock) : config_(std::move(config)) {
  const auto& catalog = service_catalog();
  const std::size_t replicas = config_.replicas == 0 ? 1 : config_.replicas;
  for (std::size_t r = 0; r < replicas; ++r) {
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      const ServiceSpec& spec = catalog[i];
      auto size = config_.list_sizes.find(spec.name);
      // Instance r of service i draws from stream r × 10 + i: with one replica, the streams of before.
      auto document = std::make_unique<ServiceDocument>(spec, derive_seed(config_.seed, r * catalog.size() + i), clock,
                                                        size == config_.list_sizes.end() ? 0 : size->second);
      std::string instance = replicas == 1 ? spec.name : spec.name + "-" + std::to_string(r);
      services_.push_back(std::make_unique<ServiceServer>(spec, std::move(instance), std::move(document),
                                                          ServerOptions{config_.host, config_.threads, &metrics_.status_requests()}));
    }
  }
}

Sim::~Sim() { stop(); }

void Sim::start() {
  try {
    for (std::size_t i = 0; i < services_.size(); ++i) {
      const int port = config_.base_port == 0 ? 0 : config_.base_port + 1 + static_cast<int>(i);
      services_[i]->start(port);
    }
    admin_ = std::make_unique<WebServer>(admin_router(services_, metrics_), server_options(8));
    admin_->bind(listen_address(config_.host, config_.base_port));
    admin_->start();
  } catch (...) {
    stop();
    throw;
  }
  logger("sim")->info("started host={} admin_port={} seed={} instances={}", config_.host, admin_->port(), config_.seed,
                      services_.size());
}

void Sim::stop() {
  if (admin_) admin_->stop();
  for (auto& service : services_) service->stop();
}

std::string Sim::ready_line() const {
  // Written by hand to keep the contract's key order and spacing (nlohmann::json sorts keys).
  std::string line = "{\"admin\": " + std::to_string(admin_port()) + ", \"services\": {";
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (i > 0) line += ", ";
    line += "\"" + services_[i]->name() + "\": " + std::to_string(services_[i]->port());
  }
  return line + "}}";
}

}  // namespace twikit::sim
