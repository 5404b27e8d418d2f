// The control socket: a Unix stream socket served by the control thread (the main lcore, never a
// worker). Each request is one line; each reply is framed as
//
//   ok <length>\n<length bytes of output>      or      error <length>\n<message>\n
//
// so a client can pipeline many requests on one connection (gwctl --batch does). A connection
// that starts with the line "@batch" stops applying at its first failed request: later requests
// get "error" replies that say they were skipped.
//
// Nothing a client does reaches the workers except through Gateway::Apply: garbage, over-long
// lines (cut off at --max_line bytes), silent or vanished clients, and floods of connections
// (beyond max_clients they are told so and closed) are handled here.
//
// Trust model: whoever can connect can reconfigure the gateway. The socket is created mode 0660,
// owned by the daemon's user and by `group` when one is given (--socket_group); a path that
// exists and is not a socket is never replaced.
#pragma once

#include <atomic>
#include <functional>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control/request.h"

namespace gw::ctl {

struct ServerOptions {
  std::string path;
  uint32_t max_clients = 256;
  size_t max_request = 8192;  // bytes in one request line (--max_line)
  int idle_timeout_ms = 10000;
  int64_t group = -1;  // gid the socket file is given (--socket_group); -1: the daemon's
};

class ControlServer {
 public:
  static absl::StatusOr<std::unique_ptr<ControlServer>> Listen(const ServerOptions& opts,
                                                               RequestHandler& handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Serves until `stop` becomes true.
  // Serves until `stop`; calls `tick` (the slow path) at least every `tick_ms`.
  void Run(const std::atomic<bool>& stop, const std::function<void()>& tick = {}, int tick_ms = 100);
  // One poll round (tests drive the server with it).
  void PollOnce(int timeout_ms);
  size_t clients() const { return clients_.size(); }

 private:
  struct Client {
    int fd;
    std::string in;
    std::string out;
    size_t out_off = 0;
    std::chrono::steady_clock::time_point last;
    bool closing = false;  // no more reading; close once `out` is sent
    bool batch = false;
    bool failed = false;
    bool too_long = false;  // a line beyond max_request arrived: answer, then close
    uint64_t succeeded = 0;  // (ops) requests of this batch answered ok, for its log line
  };

  ControlServer(const ServerOptions& opts, RequestHandler& handler, int fd);
  void Accept();
  void Read(Client& c);
  // Answers up to kRequestsPerRound complete lines of `c`, unless its unsent output is already
  // large: one client that floods requests and reads nothing cannot starve the others or grow
  // the daemon without bound. Returns whether complete lines are left for another round.
  bool Drain(Client& c);
  void Write(Client& c);
  void Serve(Client& c, std::string_view line);
  static void Frame(Client& c, bool ok, std::string_view body);

  ServerOptions opts_;
  RequestHandler& handler_;
  int listen_fd_;
  std::chrono::steady_clock::time_point accept_paused_until_{};  // after EMFILE
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace gw::ctl
