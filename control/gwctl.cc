// gwctl: the operator's CLI. One command per invocation, in gatewayd's command language, sent
// over the control socket; or --batch=FILE, every line of a file over one connection: checked in
// full first (a line that does not parse: nothing is sent), then applied in order, stopping at the
// first that fails (the lines before it stay applied).
//
//   gwctl [--socket=PATH] [-j] COMMAND...      gwctl [--socket=PATH] --batch=FILE
//   gwctl help [COMMAND]                        (gwctl_help.cc; the manual is gwctl(8))
//
// Exit: 0 ok; 1 the gateway refused the command (one line on stderr says why; nothing changed);
// 2 usage or gatewayd not reachable.
#include <gflags/gflags.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control/command.h"
#include "control/gwctl_help.h"
#include "control/request.h"

DEFINE_string(socket, "", "gatewayd's control socket (default: $GATEWAYD_SOCKET, else /run/gatewayd.sock)");
DEFINE_bool(j, false, "JSON output for show and stats");
DEFINE_string(batch, "",
              "run every command of FILE: all parsed first (a syntax error: nothing applied), "
              "then applied in order up to the first that fails");
DEFINE_uint32(timeout_ms, 30000, "give up on a reply after this long");

namespace {

[[noreturn]] void Die(int code, const std::string& msg) {
  std::fprintf(stderr, "gwctl: %s\n", msg.c_str());
  std::exit(code);
}

std::string SocketPath() {
  if (!FLAGS_socket.empty()) return FLAGS_socket;
  if (const char* env = std::getenv("GATEWAYD_SOCKET"); env != nullptr && *env != '\0') return env;
  return "/run/gatewayd.sock";
}

int Connect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) Die(2, absl::StrCat("socket path too long: ", path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    Die(2, absl::StrCat("cannot reach gatewayd at ", path, ": ", std::strerror(errno)));
  return fd;
}

// Reads framed replies ("ok N\n" / "error N\n" + N bytes) off one connection.
class Replies {
 public:
  explicit Replies(int fd) : fd_(fd) {}
  // Next reply; false if the daemon went away first.
  bool Next(bool* ok, std::string* body) {
    for (;;) {
      if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
        std::vector<absl::string_view> head = absl::StrSplit(absl::string_view(buf_).substr(0, nl), ' ');
        size_t len;
        if (head.size() != 2 || (head[0] != "ok" && head[0] != "error") ||
            !absl::SimpleAtoi(head[1], &len))
          Die(2, "gatewayd sent a malformed reply");
        if (buf_.size() >= nl + 1 + len) {
          *ok = head[0] == "ok";
          body->assign(buf_, nl + 1, len);
          buf_.erase(0, nl + 1 + len);
          return true;
        }
      }
      pollfd p{fd_, POLLIN, 0};
      const int r = poll(&p, 1, static_cast<int>(FLAGS_timeout_ms));
      if (r == 0) Die(2, "gatewayd did not answer in time");
      if (r < 0 && errno == EINTR) continue;
      char tmp[65536];
      const ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buf_;
};

// False if the daemon closed its end: it may still have left a reply (e.g. "too many clients")
// that the caller should read before giving up.
bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET) return false;
      Die(2, absl::StrCat("lost gatewayd: ", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int RunOne(const std::vector<std::string>& words) {
  const int fd = Connect(SocketPath());
  std::string line = absl::StrCat(FLAGS_j ? "-j " : "", absl::StrJoin(words, " "), "\n");
  const bool sent = SendAll(fd, line);
  Replies replies(fd);
  bool ok;
  std::string body;
  if (!replies.Next(&ok, &body))
    Die(2, sent ? "gatewayd closed the connection without a reply" : "lost gatewayd: Broken pipe");
  close(fd);
  if (!ok) {
    while (!body.empty() && body.back() == '\n') body.pop_back();
    Die(1, body);
  }
  std::fwrite(body.data(), 1, body.size(), stdout);
  return 0;
}

// Pipelines the file's commands on one connection, a window at a time; the daemon stops applying
// at the first failure ("@batch") and the rest come back as skipped.
int RunBatch(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(2, absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  struct Line {
    size_t no;
    std::string text;
  };
  std::vector<Line> lines;
  size_t no = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++no;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (gw::ctl::Tokenize(l).empty()) continue;
    // Every line is parsed before the first is sent: a line the daemon would not parse stops
    // the batch with nothing applied. (How long a line may be is the daemon's --max_line.)
    if (absl::Status s = gw::ctl::CheckRequestSyntax(l); !s.ok())
      Die(1, absl::StrCat(path, ":", no, ": ", s.message(),
                          " (nothing applied: every line is checked before the first is sent)"));
    lines.push_back({no, std::string(l)});
  }
  const int fd = Connect(SocketPath());
  Replies replies(fd);
  (void)SendAll(fd, "@batch\n");
  bool ok;
  std::string body;
  if (!replies.Next(&ok, &body) || !ok) Die(2, "gatewayd refused batch mode");
  constexpr size_t kWindow = 256;
  size_t sent = 0;
  for (size_t done = 0; done < lines.size(); ++done) {
    std::string chunk;
    while (sent < lines.size() && sent < done + kWindow) absl::StrAppend(&chunk, lines[sent++].text, "\n");
    if (!chunk.empty()) (void)SendAll(fd, chunk);  // a refusal is read below
    if (!replies.Next(&ok, &body)) Die(2, "gatewayd closed the connection mid-batch");
    if (!ok) {
      while (!body.empty() && body.back() == '\n') body.pop_back();
      Die(1, absl::StrCat(path, ":", lines[done].no, ": ", body, " (", done,
                          " command(s) before it applied, none after)"));
    }
    if (!body.empty()) std::fwrite(body.data(), 1, body.size(), stdout);
  }
  close(fd);
  std::fprintf(stderr, "gwctl: %zu command(s) applied from %s\n", lines.size(), path.c_str());
  return 0;
}

}  // namespace

// gflags parses only the options before the command: a command word is never taken for a flag,
// and an unknown option is a usage error (exit 2) in gwctl's own words.
int SplitOptions(int argc, char** argv) {
  static const char* const kKnown[] = {"socket", "j", "batch", "timeout_ms", "help", "helpfull",
                                       "helpshort", "version", "flagfile"};
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return i;
    absl::string_view name = argv[i];
    while (!name.empty() && name.front() == '-') name.remove_prefix(1);
    name = name.substr(0, name.find('='));
    if (absl::StartsWith(name, "no")) {
      absl::string_view rest = name.substr(2);
      if (std::any_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return rest == k; }))
        name = rest;
    }
    if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return name == k; }))
      Die(2, absl::StrCat("unknown option \"", argv[i], "\" (gwctl --help)"));
    // --socket PATH (value as the next argument)
    if (std::strchr(argv[i], '=') == nullptr && (name == "socket" || name == "batch" ||
                                                 name == "timeout_ms" || name == "flagfile"))
      ++i;
  }
  return i;
}

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "gwctl [--socket=PATH] [-j] COMMAND...  |  gwctl [--socket=PATH] --batch=FILE\n"
      "commands: link|addr|route|neigh [show], tunnel show [NAME], stats, config show,\n"
      "  config save [FILE], and every configuration command (tunnel add ..., route add ...)");
  const int first_word = std::min(SplitOptions(argc, argv), argc);
  // (ops) --help is ours, not gflags' (which lists every flag of every library): gwctl(8).
  for (int i = 1; i < first_word; ++i)
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-help") == 0) {
      std::fputs(gw::ctl::UsageText().c_str(), stdout);
      return 0;
    }
  std::vector<std::string> words(argv + first_word, argv + argc);
  if (first_word < argc && std::strcmp(argv[first_word], "--") == 0) words.erase(words.begin());
  int n_opts = first_word;
  gflags::ParseCommandLineFlags(&n_opts, &argv, true);
  for (size_t i = 0; i < words.size(); ++i)
    for (char ch : words[i])
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
        Die(2, absl::StrCat("word ", i + 1, " of the command holds a control character"));
  if (!FLAGS_batch.empty()) {
    if (!words.empty()) Die(2, "--batch takes no command words");
    return RunBatch(FLAGS_batch);
  }
  if (words.empty()) Die(2, "no command (gwctl --help)");
  if (words[0] == "help") {  // (ops) answered here, without the gateway
    if (words.size() > 2) Die(2, absl::StrCat("unknown word \"", words[2], "\" after help COMMAND"));
    const std::string text = gw::ctl::HelpText(words.size() == 2 ? words[1] : "");
    if (text.empty()) Die(2, absl::StrCat("no command \"", words[1], "\" (gwctl help)"));
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  return RunOne(words);
}
