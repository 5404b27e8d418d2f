#include "control/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "control/log.h"

namespace gw::ctl {
namespace {

constexpr int kRequestsPerRound = 16;
constexpr size_t kMaxUnsent = 4u << 20;  // stop reading a client that leaves this much unread

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Listen(const ServerOptions& opts,
                                                                     RequestHandler& handler) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (opts.path.empty() || opts.path.size() >= sizeof(addr.sun_path))
    return absl::InvalidArgumentError(absl::StrCat("bad --socket path \"", opts.path, "\""));
  std::memcpy(addr.sun_path, opts.path.c_str(), opts.path.size() + 1);

  // Every client is a file descriptor: a limit below max_clients would turn the (max_clients+1)th
  // connection into a busy loop of failed accepts. Raise the soft limit if the hard one allows.
  constexpr uint64_t kOtherFds = 64;  // the EAL's, the ports', telemetry, the config file
  if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    const uint64_t need = uint64_t{opts.max_clients} + kOtherFds;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
      rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : std::min<uint64_t>(need, rl.rlim_max);
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
      if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
        return absl::InvalidArgumentError(absl::StrCat(
            "--max_clients=", opts.max_clients, " needs ", need, " open files, the limit is ",
            rl.rlim_cur, " (raise ulimit -n or lower --max_clients)"));
    }
  }

  // Only a socket is ever replaced: a live daemon on this path keeps it, a stale socket file from
  // a dead one is removed, anything else (a file, a directory, a symlink) is refused untouched.
  struct stat st{};
  if (lstat(opts.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return absl::AlreadyExistsError(
          absl::StrCat("control socket path ", opts.path,
                       " exists and is not a socket (remove it or choose another --socket)"));
    const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
      const bool live = connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
      close(probe);
      if (live)
        return absl::AlreadyExistsError(
            absl::StrCat("control socket ", opts.path, " is served by a running gatewayd"));
    }
    unlink(opts.path.c_str());
  }

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("cannot create socket for", opts.path);
  // Only root and the socket's group may change the gateway.
  const mode_t old_mask = umask(0117);
  const int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  umask(old_mask);
  if (rc != 0) {
    absl::Status s = Errno("cannot bind", opts.path);
    close(fd);
    return s;
  }
  if (chmod(opts.path.c_str(), 0660) != 0 ||
      (opts.group >= 0 &&
       chown(opts.path.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(opts.group)) != 0) ||
      listen(fd, 128) != 0) {
    absl::Status s = Errno("cannot set up", opts.path);
    close(fd);
    unlink(opts.path.c_str());
    return s;
  }
  return std::unique_ptr<ControlServer>(new ControlServer(opts, handler, fd));
}

ControlServer::ControlServer(const ServerOptions& opts, RequestHandler& handler, int fd)
    : opts_(opts), handler_(handler), listen_fd_(fd) {}

ControlServer::~ControlServer() {
  for (auto& c : clients_) close(c->fd);
  close(listen_fd_);
  unlink(opts_.path.c_str());
}

void ControlServer::Run(const std::atomic<bool>& stop, const std::function<void()>& tick,
                        int tick_ms) {
  while (!stop.load()) {
    PollOnce(tick_ms);
    if (tick) tick();
  }
}

void ControlServer::PollOnce(int timeout_ms) {
  // Requests already received are answered a few per client per round, round-robin.
  bool backlog = false;
  for (const auto& c : clients_) backlog |= Drain(*c);
  std::vector<pollfd> fds;
  fds.reserve(clients_.size() + 1);
  // Out of file descriptors: leave the pending connections in the backlog for a while rather
  // than spin on a listening socket that stays readable.
  const bool paused = std::chrono::steady_clock::now() < accept_paused_until_;
  fds.push_back({listen_fd_, static_cast<short>(paused ? 0 : POLLIN), 0});
  for (const auto& c : clients_) {
    const size_t unsent = c->out.size() - c->out_off;
    short ev = (c->closing || unsent > kMaxUnsent || c->in.size() > opts_.max_request) ? 0 : POLLIN;
    if (unsent > 0) ev |= POLLOUT;
    fds.push_back({c->fd, ev, 0});
  }
  if (poll(fds.data(), fds.size(), backlog ? 0 : timeout_ms) < 0) return;  // EINTR: look at stop
  if (fds[0].revents & POLLIN) Accept();
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 1; i < fds.size(); ++i) {
    Client& c = *clients_[i - 1];
    if (fds[i].revents & (POLLERR | POLLNVAL)) {
      c.closing = true;
      c.in.clear();
      c.out.clear();
      c.out_off = 0;
      continue;
    }
    if (fds[i].revents & (POLLIN | POLLHUP)) Read(c);
    if (fds[i].revents & POLLOUT) {
      Write(c);
      Drain(c);  // room in its output again
    }
    if (!c.closing && now - c.last > std::chrono::milliseconds(opts_.idle_timeout_ms)) {
      c.closing = true;  // a client that says nothing goes
      c.in.clear();
      c.out.clear();
      c.out_off = 0;
    }
  }
  // Drop the clients that are done.
  for (size_t i = 0; i < clients_.size();) {
    Client& c = *clients_[i];
    if (c.closing && c.out_off >= c.out.size() && c.in.find('\n') == std::string::npos) {
      if (c.batch)  // (ops) a batch's changes in one line (each one is at debug)
        LogEvent(RTE_LOG_INFO, "batch_done",
                 {{"succeeded", absl::StrCat(c.succeeded)}, {"failed", c.failed ? "yes" : "no"}});
      close(c.fd);
      clients_.erase(clients_.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
  }
}

void ControlServer::Accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        accept_paused_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      return;
    }
    auto c = std::make_unique<Client>();
    c->fd = fd;
    c->last = std::chrono::steady_clock::now();
    if (clients_.size() >= opts_.max_clients) {
      Frame(*c, false, absl::StrCat("too many clients (", opts_.max_clients, "), try again"));
      c->closing = true;
      Write(*c);
      close(fd);
      continue;
    }
    clients_.push_back(std::move(c));
  }
}

void ControlServer::Read(Client& c) {
  char buf[16384];
  for (;;) {
    const ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
    if (n == 0) {  // the client is done sending; answer what it asked, then close
      c.closing = true;
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        c.closing = true;
        c.in.clear();
        c.out.clear();
        c.out_off = 0;
      }
      break;
    }
    c.last = std::chrono::steady_clock::now();
    c.in.append(buf, static_cast<size_t>(n));
    // A line still without its newline past the limit will never be served.
    const size_t nl = c.in.rfind('\n');
    const size_t tail = nl == std::string::npos ? c.in.size() : c.in.size() - nl - 1;
    if (tail > opts_.max_request) {
      c.in.resize(c.in.size() - tail);  // answer what came before it, then say why we stop
      c.too_long = true;
      break;
    }
    if (c.in.size() > opts_.max_request * kRequestsPerRound) break;  // enough for now
  }
  Drain(c);
  Write(c);
}

bool ControlServer::Drain(Client& c) {
  int served = 0;
  size_t start = 0;
  for (size_t nl; served < kRequestsPerRound && c.out.size() - c.out_off <= kMaxUnsent &&
                  (nl = c.in.find('\n', start)) != std::string::npos;
       start = nl + 1, ++served) {
    std::string_view line(c.in.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > opts_.max_request) {
      c.in.clear();
      start = 0;
      c.too_long = true;
      break;
    }
    Serve(c, line);
  }
  c.in.erase(0, start);
  if (c.too_long && c.in.find('\n') == std::string::npos) {
    Frame(c, false, absl::StrCat("request longer than ", opts_.max_request, " bytes"));
    c.too_long = false;
    c.closing = true;
    c.in.clear();
  }
  return c.in.find('\n') != std::string::npos && c.out.size() - c.out_off <= kMaxUnsent;
}

void ControlServer::Serve(Client& c, std::string_view line) {
  if (line == "@batch") {
    c.batch = true;
    Frame(c, true, "");
    return;
  }
  if (c.batch && c.failed) {
    Frame(c, false, "skipped: an earlier command of this batch failed");
    return;
  }
  Reply r = handler_.Handle(absl::string_view(line.data(), line.size()), c.batch);
  if (!r.ok) c.failed = true;
  if (r.ok && c.batch) ++c.succeeded;
  Frame(c, r.ok, r.body);
}

void ControlServer::Frame(Client& c, bool ok, std::string_view body) {
  if (ok) {
    absl::StrAppend(&c.out, "ok ", body.size(), "\n");
    c.out.append(body);
  } else {
    absl::StrAppend(&c.out, "error ", body.size() + 1, "\n");
    c.out.append(body);
    c.out += '\n';
  }
}

void ControlServer::Write(Client& c) {
  while (c.out_off < c.out.size()) {
    const ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {  // gone mid-reply: forget it
        c.closing = true;
        c.in.clear();
        c.out.clear();
        c.out_off = 0;
      }
      return;
    }
    c.out_off += static_cast<size_t>(n);
    c.last = std::chrono::steady_clock::now();  // a client reading a long reply is not idle
  }
  c.out.clear();
  c.out_off = 0;
}

}  // namespace gw::ctl
