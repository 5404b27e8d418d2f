#include "control/metrics_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <rte_lcore.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gw::ctl {

std::string ListenAddress::ToString() const {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

absl::StatusOr<ListenAddress> ParseListenAddress(const std::string& flag, const std::string& text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, "=", text, ": ", why,
        " (want ADDR:PORT with an IPv4 or [IPv6] address, e.g. 127.0.0.1:9478 or [::1]:9478)"));
  };
  ListenAddress a;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("no \"]:PORT\" after the IPv6 address");
    a.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr v6;
    if (inet_pton(AF_INET6, a.host.c_str(), &v6) != 1) return bad("bad IPv6 address");
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return bad("no \":PORT\"");
    a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) return bad("an IPv6 address needs brackets");
    in_addr v4;
    if (inet_pton(AF_INET, a.host.c_str(), &v4) != 1) return bad("bad IPv4 address");
  }
  uint32_t p = 0;
  if (port.empty() || !absl::SimpleAtoi(port, &p) || p == 0 || p > 65535 ||
      port.find_first_not_of("0123456789") != std::string::npos)
    return bad("port must be 1..65535");
  a.port = static_cast<int>(p);
  return a;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const ListenAddress& addr,
                                                                    const MetricsSource& src) {
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  s->http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *s->http_;
  // cpp-httplib sets SO_REUSEPORT by default, with which a second gatewayd would share the port
  // (and half the scrapes) instead of being refused: SO_REUSEADDR only.
  http.set_socket_options([](socket_t fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  http.Get("/metrics", [&src](const httplib::Request&, httplib::Response& res) {
    std::optional<std::string> text = src.Prometheus();
    if (!text) {
      res.status = 503;
      res.set_content("gatewayd is stopping\n", "text/plain");
      return;
    }
    res.set_content(std::move(*text), "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("gatewayd: Prometheus metrics at /metrics\n", "text/plain");
  });
  errno = 0;
  if (!http.bind_to_port(addr.host, addr.port)) {
    const int e = errno;
    return absl::UnavailableError(absl::StrCat("--metrics=", addr.ToString(), ": cannot listen: ",
                                               e != 0 ? std::strerror(e) : "bind failed"));
  }
  if (rte_ctrl_thread_create(&s->thread_, "gw-metrics", nullptr, &MetricsServer::Main, s.get()) !=
      0)
    return absl::InternalError("--metrics: cannot create the HTTP thread");
  s->running_ = true;
  return s;
}

void* MetricsServer::Main(void* self) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the handler threads inherit it
  auto* s = static_cast<MetricsServer*>(self);
  s->http_->listen_after_bind();
  s->done_.store(true);
  return nullptr;
}

MetricsServer::~MetricsServer() {
  if (!running_) return;
  // stop() does nothing until the thread is inside listen_after_bind: until then, ask again.
  bool stopped = false;
  while (!done_.load()) {
    if (!stopped && http_->is_running()) {
      http_->stop();
      stopped = true;
    }
    usleep(1000);
  }
  pthread_join(thread_, nullptr);
}

}  // namespace gw::ctl
