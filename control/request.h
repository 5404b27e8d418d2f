// One request of the control protocol, as gwctl sends it and the socket server receives it: a
// command line, optionally starting with -j for JSON output. Configuration commands go through
// ParseCommand and Gateway::Apply, the very path the config file takes; the rest are reads:
//
//   link|addr|route|neigh [show]   tunnel show [NAME]   stats [--prometheus]   config show
//   config save [FILE]
#pragma once

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "control/gateway.h"
#include "dataplane/dataplane.h"

namespace gw::ctl {

struct Reply {
  bool ok = true;
  std::string body;  // output (ok) or the one-line error (not ok)
};

class RequestHandler {
 public:
  // `dp` may be null (no stats then); `config_path` is the default for `config save`.
  RequestHandler(Gateway& gw, const dp::Dataplane* dp, std::string config_path);

  // `batch`: the line came in a "@batch" connection (gwctl --batch), whose changes are logged at
  // debug one by one and at info in sum by the server (ops).
  Reply Handle(absl::string_view line, bool batch = false);
  // Learned neighbours for `neigh show` (optional).
  void SetResolver(const class Resolver* r) { resolver_ = r; }
  // (ops) Called after every change applied through the socket (metrics republish the tunnels).
  void SetOnApplied(std::function<void()> fn) { on_applied_ = std::move(fn); }

 private:
  Reply Show(absl::string_view what, const std::vector<absl::string_view>& args, bool json);
  Reply Stats(bool json);
  Reply ConfigSave(const std::vector<absl::string_view>& args);

  Gateway& gw_;
  const dp::Dataplane* dp_;
  std::string config_path_;
  const class Resolver* resolver_ = nullptr;
  std::function<void()> on_applied_;
};

// Whether the daemon would parse `line` (a change's syntax: words, addresses, names, numbers;
// reads are accepted as they are): what gwctl --batch checks of every line before it sends the
// first. The same error text as Handle's. What depends on the running state (an unknown device, a
// duplicate, a full table) is found only when the line is applied.
absl::Status CheckRequestSyntax(absl::string_view line);

// Writes `text` to `path` atomically: a temporary file beside it, fsync, rename, fsync the
// directory. A reader sees the old file or the new one, never a torn one.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view text);

}  // namespace gw::ctl
