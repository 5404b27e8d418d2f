// Fuzz target: the control socket's request side. Byte 0 chooses:
//   even: each line of the rest is one request to ctl::RequestHandler::Handle (control/request.cc),
//         over the walk target's gateway less its IPv4 default route (ConfigBase; no dataplane:
//         `stats` is refused);
//   odd:  the rest is what a client writes to the control socket (control/server.cc), in pieces of
//         (byte 0 >> 1) + 1 bytes, over a real Unix socket served by PollOnce rounds; the client
//         then closes its side and reads everything.
// Invariants: no crash; a refused request's reply is one non-empty line; a refused request leaves
// the configuration as it was; the server's output is a sequence of whole frames "ok N\n" + N
// bytes or "error N\n" + a one-line message, no more frames than requests (+1 for "request too
// long"), and the server closes the connection when the client is done.
// Requests holding the word "save" are skipped: `config save FILE` would write where the fuzzer
// says.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <new>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "control/request.h"
#include "control/server.h"
#include "tests/fuzz/fuzz_env.h"

namespace gw::fuzz {
namespace {

GatewayEnv* g_env;
ctl::RequestHandler* g_handler;
ctl::ControlServer* g_server;
std::string g_path;

void Direct(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const std::string before = g_env->gw().ConfigText();
    const ctl::Reply r = g_handler->Handle(line);
    if (r.ok) continue;
    FUZZ_CHECK(!r.body.empty(), "empty error reply to: " + std::string(line));
    FUZZ_CHECK(r.body.find('\n') == std::string::npos, "error reply of several lines: " + r.body);
    FUZZ_CHECK(g_env->gw().ConfigText() == before,
               "a refused request changed the configuration: " + r.body);
  }
}

// The frames of the server's output, checked; returns how many.
size_t CheckFrames(const std::string& out) {
  size_t at = 0;
  size_t frames = 0;
  while (at < out.size()) {
    const size_t nl = out.find('\n', at);
    FUZZ_CHECK(nl != std::string::npos, "frame header without newline");
    const absl::string_view head(out.data() + at, nl - at);
    const bool ok = absl::StartsWith(head, "ok ");
    FUZZ_CHECK(ok || absl::StartsWith(head, "error "), "bad frame header: " + std::string(head));
    size_t n = 0;
    FUZZ_CHECK(absl::SimpleAtoi(head.substr(ok ? 3 : 6), &n), "bad frame length");
    FUZZ_CHECK(nl + 1 + n <= out.size(), "frame cut short");
    const absl::string_view body(out.data() + nl + 1, n);
    if (!ok) {
      FUZZ_CHECK(n >= 2 && body.back() == '\n' && body.find('\n') == n - 1,
                 "error body is not one line: " + std::string(body));
    }
    at = nl + 1 + n;
    ++frames;
  }
  return frames;
}

void ThroughSocket(absl::string_view text, size_t piece) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  FUZZ_CHECK(fd >= 0, "socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, g_path.c_str(), g_path.size() + 1);
  FUZZ_CHECK(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0,
             std::string("connect: ") + std::strerror(errno));
  g_server->PollOnce(0);  // accept
  std::string out;
  size_t sent = 0;
  bool shut = false;
  bool closed = false;
  for (int round = 0; round < 100000 && !closed; ++round) {
    if (sent < text.size()) {
      const size_t n = std::min(piece, text.size() - sent);
      const ssize_t w = send(fd, text.data() + sent, n, MSG_NOSIGNAL);
      if (w > 0) sent += static_cast<size_t>(w);
    } else if (!shut) {
      shutdown(fd, SHUT_WR);
      shut = true;
    }
    g_server->PollOnce(0);
    char buf[65536];
    for (;;) {
      const ssize_t r = recv(fd, buf, sizeof(buf), 0);
      if (r > 0) {
        out.append(buf, static_cast<size_t>(r));
        continue;
      }
      if (r == 0) closed = true;
      break;
    }
  }
  close(fd);
  for (int i = 0; i < 4 && g_server->clients() != 0; ++i) g_server->PollOnce(0);
  FUZZ_CHECK(closed, "the server did not close a connection whose client was done");
  const size_t frames = CheckFrames(out);
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  FUZZ_CHECK(frames <= lines + 1, absl::StrCat(frames, " replies to ", lines, " requests"));
  FUZZ_CHECK(g_server->clients() == 0, "a finished client is still served");
}

}  // namespace
}  // namespace gw::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace gw::fuzz;  // NOLINT
  InitEal("request");
  g_env = new GatewayEnv(ConfigBase());
  g_handler = new gw::ctl::RequestHandler(g_env->gw(), nullptr, "/nonexistent/gwfuzz.conf");
  g_path = absl::StrCat("/tmp/gwfuzz_request_", getpid(), ".sock");
  gw::ctl::ServerOptions so;
  so.path = g_path;
  so.max_request = 512;  // (small, so that too-long requests are within the fuzzer's reach)
  auto s = gw::ctl::ControlServer::Listen(so, *g_handler);
  if (!s.ok()) Die("listen: " + s.status().ToString());
  g_server = s->release();
  std::atexit([] { delete g_server; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gw::fuzz;  // NOLINT
  if (size < 1 || size > 16384) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (absl::StrContains(text, "save")) return -1;
  if (data[0] % 2 == 0) {
    Direct(text);
  } else {
    ThroughSocket(text, (data[0] >> 1) + 1u);
  }
  const uint64_t rebuilds = g_env->rebuilds();
  g_env->Reset();
  if (g_env->rebuilds() != rebuilds) {  // a new Gateway: the handler (which the server holds) too
    g_handler->~RequestHandler();
    new (g_handler) gw::ctl::RequestHandler(g_env->gw(), nullptr, "/nonexistent/gwfuzz.conf");
  }
  return 0;
}
