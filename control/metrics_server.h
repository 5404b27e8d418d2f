// /metrics over HTTP (cpp-httplib, Debian's libcpp-httplib-dev) for Prometheus, on
// --metrics=ADDR:PORT. Off by default; examples bind it to loopback.
//
// Its threads are DPDK control threads (rte_ctrl_thread_create): they run on the CPUs that no
// lcore uses, or the main lcore's, never on a worker's; SIGINT and SIGTERM are blocked in them so
// that the main loop sees the signal at once. A scrape reads MetricsSource only (metrics.h).
#pragma once

#include <pthread.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "control/metrics.h"

namespace httplib {
class Server;
}

namespace gw::ctl {

struct ListenAddress {
  std::string host;  // an IPv4 or IPv6 literal
  int port = 0;
  std::string ToString() const;  // as given: 127.0.0.1:9478, [::1]:9478
};

// "A.B.C.D:PORT" or "[IPv6]:PORT", port 1..65535; the error names the flag and the value.
absl::StatusOr<ListenAddress> ParseListenAddress(const std::string& flag, const std::string& text);

class MetricsServer {
 public:
  // Binds (errors: "--metrics=...: cannot listen: Address already in use") and serves.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const ListenAddress& addr,
                                                              const MetricsSource& src);
  ~MetricsServer();  // stops serving and joins the threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  MetricsServer() = default;
  static void* Main(void* self);

  std::unique_ptr<httplib::Server> http_;
  pthread_t thread_{};
  bool running_ = false;
  std::atomic<bool> done_{false};  // listen_after_bind returned
};

}  // namespace gw::ctl
