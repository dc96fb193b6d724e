#include "sim/service_server.h"

#include <chrono>

#include "common/logging.h"

namespace twikit::sim {

using nlohmann::json;

ServiceServer::ServiceServer(const ServiceSpec& spec, std::string instance, std::unique_ptr<ServiceDocument> document,
                             ServerOptions options)
    : spec_(spec), instance_(std::move(instance)), options_(std::move(options)), document_(std::move(document)) {
  // Every service has a series from the start, so rate() sees its first requests.
  if (options_.requests) options_.requests->Add({{"service", name()}, {"code", "200"}});
}

ServiceServer::~ServiceServer() { stop(); }

int ServiceServer::start(int port) {
  std::lock_guard life(lifecycle_mu_);
  port_ = port;
  open();
  return port_;
}

void ServiceServer::stop() {
  std::lock_guard life(lifecycle_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    ++generation_;
  }
  wake_.notify_all();
  close();
}

void ServiceServer::open() {
  if (server_) return;
  WebRouter router;
  use_json_errors(router);
  router.add(
      "/status",
      [this](const WebRequest&, WebResponse& res) {
        handle_status(res);
        // Counted before the server writes the answer, so a client holding its answer finds it counted.
        if (options_.requests) options_.requests->Add({{"service", name()}, {"code", std::to_string(res.status)}}).Increment();
      },
      route_options({"GET"}));
  auto server = std::make_unique<WebServer>(std::move(router), server_options(options_.threads));
  port_ = server->bind(listen_address(options_.host, port_));
  server->start();
  server_ = std::move(server);
}

void ServiceServer::close() {
  if (!server_) return;
  server_->stop();
  server_.reset();
}

Fault ServiceServer::fault() const {
  std::lock_guard lock(mu_);
  return fault_;
}

void ServiceServer::set_fault(const Fault& fault) {
  std::lock_guard life(lifecycle_mu_);
  FaultMode previous;
  {
    std::lock_guard lock(mu_);
    previous = fault_.mode;
    fault_ = fault;
    ++generation_;
  }
  wake_.notify_all();
  logger("sim")->info("fault set service={} mode={} latency_ms={} http_status={}", instance_,
                      fault_mode_name(fault.mode), fault.latency_ms, fault.http_status);
  if (stopping_) return;
  if (fault.mode == FaultMode::down) {
    close();
  } else if (previous == FaultMode::down) {
    open();
  }
}

json ServiceServer::patch(const json& patch) {
  std::lock_guard lock(mu_);
  document_->pin(patch);
  return document_->current();
}

void ServiceServer::reset() {
  {
    std::lock_guard lock(mu_);
    document_->clear_pins();
  }
  set_fault(Fault{});
}

bool ServiceServer::resize(std::size_t size) {
  std::lock_guard lock(mu_);
  return document_->resize(size);
}

json ServiceServer::describe() const {
  std::lock_guard lock(mu_);
  json out = {{"name", instance_},
              {"component", spec_.component},
              {"port", port_.load()},
              {"fault", fault_to_json(fault_)},
              {"pinned", document_->pinned()}};
  if (instance_ != spec_.name) out["service"] = spec_.name;
  if (document_->has_list()) {
    out["list"] = {{"pointer", spec_.list_pointer}, {"size", document_->list_size()}};
  }
  return out;
}

void ServiceServer::handle_status(WebResponse& res) {
  std::unique_lock lock(mu_);
  while (true) {
    if (stopping_) return json_error(res, 503, "shutting down");
    const Fault fault = fault_;
    const std::uint64_t generation = generation_;
    const auto changed = [&] { return stopping_ || generation_ != generation; };
    switch (fault.mode) {
      case FaultMode::hang:
        // Hold the request until the fault changes or the sim stops, then look again.
        wake_.wait(lock, changed);
        continue;
      case FaultMode::latency:
        // Other requests proceed while this one waits (the wait releases the lock).
        if (wake_.wait_for(lock, std::chrono::milliseconds(fault.latency_ms), changed)) continue;
        return serve_document(document_->next(), res);
      case FaultMode::down:
        // A request that arrived just before the port closed.
        return json_error(res, 503, "service is down");
      case FaultMode::error:
        return json_error(res, fault.http_status, "injected fault in " + instance_);
      case FaultMode::garbage:
        res.set_body(garbage_body(), "application/json");
        return;
      case FaultMode::truncate:
        res.set_body(truncate_body(document_->next().dump()), "application/json");
        return;
      case FaultMode::oversize:
        return serve_oversize(document_->next(), res);
      case FaultMode::none:
        return serve_document(document_->next(), res);
    }
  }
}

void ServiceServer::serve_document(const json& document, WebResponse& res) const {
  res.set_body(document.dump(), "application/json");
}

void ServiceServer::serve_oversize(const json& document, WebResponse& res) {
  auto body = std::make_shared<const OversizeBody>(document.dump());
  auto parts = body->parts();
  res.set_body_parts(std::move(body), std::move(parts), "application/json");
}

}  // namespace twikit::sim
