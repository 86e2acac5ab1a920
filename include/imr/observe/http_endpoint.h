#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "imr/observe/health.h"

struct mg_context;
struct mg_connection;

namespace imr::observe {

// Serves /metrics (the registry in the Prometheus text format), /healthz and /readyz
// (Kubernetes style: 200 or 503 with a one-line reason) on one address. prometheus-cpp's
// pull Exposer serves only collectables, so it cannot answer 503 for health; this uses
// the same embedded HTTP server (civetweb) the Exposer is built on.
class http_endpoint {
  public:
    // `address` is host:port ("0.0.0.0:9464"). Throws std::runtime_error if it cannot listen.
    http_endpoint(const std::string& address, prometheus::Registry& registry,
                  const health_state& health);
    ~http_endpoint();
    http_endpoint(const http_endpoint&) = delete;
    http_endpoint& operator=(const http_endpoint&) = delete;

    [[nodiscard]] const std::string& address() const noexcept { return address_; }

  private:
    static int serve_metrics(::mg_connection* connection, void* self);
    static int serve_health(::mg_connection* connection, void* self);
    static int serve_ready(::mg_connection* connection, void* self);

    std::string address_;
    prometheus::Registry& registry_;
    const health_state& health_;
    mg_context* context_ = nullptr;
};

}  // namespace imr::observe
