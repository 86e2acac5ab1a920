#include "imr/observe/http_endpoint.h"

#include <civetweb.h>
#include <prometheus/text_serializer.h>

#include <stdexcept>

namespace imr::observe {
namespace {

void respond(mg_connection* connection, int status, std::string_view content_type,
             const std::string& body) {
    mg_printf(
        connection,
        "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
        "Connection: close\r\n\r\n",
        status, status == 200 ? "OK" : "Service Unavailable", static_cast<int>(content_type.size()),
        content_type.data(), body.size());
    mg_write(connection, body.data(), body.size());
}

}  // namespace

http_endpoint::http_endpoint(const std::string& address, prometheus::Registry& registry,
                             const health_state& health)
    : address_(address), registry_(registry), health_(health) {
    // civetweb wants "host:port" as "ip:port" or "port"; both work with listening_ports.
    const char* options[] = {"listening_ports", address_.c_str(), "num_threads", "2", nullptr};
    mg_callbacks callbacks{};
    context_ = mg_start(&callbacks, nullptr, options);
    if (context_ == nullptr) throw std::runtime_error("cannot serve metrics on " + address_);
    mg_set_request_handler(context_, "/metrics", &http_endpoint::serve_metrics, this);
    mg_set_request_handler(context_, "/healthz", &http_endpoint::serve_health, this);
    mg_set_request_handler(context_, "/readyz", &http_endpoint::serve_ready, this);
}

http_endpoint::~http_endpoint() {
    if (context_ != nullptr) mg_stop(context_);
}

int http_endpoint::serve_metrics(mg_connection* connection, void* self) {
    auto& endpoint = *static_cast<http_endpoint*>(self);
    const std::string body = prometheus::TextSerializer().Serialize(endpoint.registry_.Collect());
    respond(connection, 200, "text/plain; version=0.0.4; charset=utf-8", body);
    return 200;
}

int http_endpoint::serve_health(mg_connection* connection, void* self) {
    std::string why;
    const bool ok = static_cast<http_endpoint*>(self)->health_.live(why);
    respond(connection, ok ? 200 : 503, "text/plain", why + "\n");
    return ok ? 200 : 503;
}

int http_endpoint::serve_ready(mg_connection* connection, void* self) {
    std::string why;
    const bool ok = static_cast<http_endpoint*>(self)->health_.ready(why);
    respond(connection, ok ? 200 : 503, "text/plain", why + "\n");
    return ok ? 200 : 503;
}

}  // namespace imr::observe
