#include "control/config_reload.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/command.h"
#include "control/config_diff.h"
#include "control/config_file.h"
#include "control/config_model.h"
#include "control/log.h"

namespace gw::ctl {
namespace {

struct Line {
  size_t no;
  Command command;
};

// "FILE:LINE: message", or "FILE: message" for what no line of the file asked for.
std::string At(const std::string& name, size_t line, absl::string_view message) {
  return line != 0 ? absl::StrCat(name, ":", line, ": ", message) : absl::StrCat(name, ": ", message);
}

// The message for a command of the difference that failed: its line, else the command itself.
std::string CommandError(const std::string& name, const DiffCommand& c, absl::string_view message) {
  return c.line != 0 ? At(name, c.line, message)
                     : At(name, 0, absl::StrCat("\"", c.text, "\": ", message));
}

// Where a command of the difference comes from, for its log line.
std::string Source(const std::string& name, size_t line) {
  return line != 0 ? absl::StrCat(name, ":", line) : name;
}

void LogApplied(const std::string& source, const DiffCommand& c) {
  if (LogEnabled(RTE_LOG_DEBUG))
    LogEvent(RTE_LOG_DEBUG, "command_applied", {{"source", source}, {"command", c.text}});
}

// Back from wherever the reload stopped to `before`.
absl::Status RollBack(const std::string& name, Gateway& gw, const ConfigModel& before,
                      ReloadResult* r) {
  absl::StatusOr<ConfigDiff> back = DiffConfigs(ConfigModel::FromGateway(gw), before);
  if (!back.ok()) return back.status();
  for (const DiffCommand& c : back->commands) {
    if (absl::Status s = gw.Apply(c.command); !s.ok())
      return absl::Status(s.code(), absl::StrCat("\"", c.text, "\": ", s.message()));
    ++r->applied;
    LogApplied(absl::StrCat(name, " (rollback)"), c);
  }
  const std::string now = ConfigModel::FromGateway(gw).Canonical();
  if (const std::string want = before.Canonical(); now != want)
    return absl::InternalError(absl::StrCat("the configuration is not the old one: ",
                                            FirstDifference(want, now)));
  return absl::OkStatus();
}

}  // namespace

std::string ReloadSummary(const std::string& name, const ReloadResult& r) {
  const size_t n = r.added + r.changed + r.removed;
  if (n == 0) return absl::StrCat("reloaded ", name, ": no changes");
  return absl::StrCat("reloaded ", name, ": ", n, " change(s) (", r.added, " added, ", r.changed,
                      " changed, ", r.removed, " removed)");
}

absl::Status ReloadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                              ReloadResult* result, const ReloadOptions& opts) {
  ReloadResult r;
  // Every way out: the result, and one log line.
  auto refuse = [&](absl::Status s, size_t line, absl::string_view error, const char* rolled_back) {
    LogEvent(std::strcmp(rolled_back, "failed") == 0 ? RTE_LOG_ERR : RTE_LOG_NOTICE,
             "config_reload_failed",
             {{"file", name},
              {"line", absl::StrCat(line)},
              {"error", error},
              {"rolled_back", rolled_back}});
    if (result != nullptr) *result = r;
    return s;
  };

  // 1. Every line parsed before anything else.
  std::vector<Line> lines;
  size_t no = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++no;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);  // as LoadConfigText
    if (l.size() > opts.max_line) {
      const std::string why = absl::StrCat("line longer than ", opts.max_line, " bytes (--max_line)");
      return refuse(absl::InvalidArgumentError(At(name, no, why)), no, why, "no");
    }
    std::vector<absl::string_view> tokens = Tokenize(l);
    if (tokens.empty()) continue;
    absl::StatusOr<Command> c = ParseCommand(tokens);
    if (!c.ok())
      return refuse(absl::Status(c.status().code(), At(name, no, c.status().message())), no,
                    c.status().message(), "no");
    lines.push_back({no, *std::move(c)});
  }
  // 2. The file's configuration, as a fresh gatewayd would load it.
  ConfigModel target = ConfigModel::Fresh(gw);
  for (const Line& l : lines)
    if (absl::Status s = target.Apply(l.command, l.no); !s.ok())
      return refuse(absl::Status(s.code(), At(name, l.no, s.message())), l.no, s.message(), "no");
  // 3. The difference.
  const ConfigModel before = ConfigModel::FromGateway(gw);
  absl::StatusOr<ConfigDiff> diff = DiffConfigs(before, target);
  if (!diff.ok())
    return refuse(absl::Status(diff.status().code(), At(name, 0, diff.status().message())), 0,
                  diff.status().message(), "no");
  r.added = diff->added;
  r.changed = diff->changed;
  r.removed = diff->removed;

  // 4. Applied, command by command, through the one apply path.
  const DiffCommand* failed = nullptr;
  absl::Status error;
  for (const DiffCommand& c : diff->commands) {
    error = gw.Apply(c.command);
    if (!error.ok()) {
      failed = &c;
      break;
    }
    ++r.applied;
    LogApplied(Source(name, c.line), c);
  }
  std::string message;
  size_t line = 0;
  if (failed != nullptr) {
    message = CommandError(name, *failed, error.message());
    line = failed->line;
  } else {
    const std::string now = ConfigModel::FromGateway(gw).Canonical();
    if (const std::string want = target.Canonical(); now == want) {
      LogEvent(RTE_LOG_INFO, "config_reloaded",
               {{"file", name},
                {"added", absl::StrCat(r.added)},
                {"changed", absl::StrCat(r.changed)},
                {"removed", absl::StrCat(r.removed)}});
      if (result != nullptr) *result = r;
      return absl::OkStatus();
    }
    error = absl::InternalError(absl::StrCat(
        "the running configuration is not the file's after the changes (a gatewayd bug): ",
        FirstDifference(target.Canonical(), now)));
    message = At(name, 0, error.message());
  }

  // 5. Back to where it was.
  r.rolled_back = true;
  const std::string error_text(error.message());
  if (absl::Status back = RollBack(name, gw, before, &r); !back.ok())
    return refuse(absl::Status(error.code(),
                               absl::StrCat(message, "; rolling back failed too: ", back.message(),
                                            " (the running configuration is neither the old one "
                                            "nor the file's: see gwctl config show)")),
                  line, absl::StrCat(error_text, "; rollback: ", back.message()), "failed");
  return refuse(absl::Status(error.code(), message), line, error_text, "yes");
}

absl::Status ReloadConfigFile(const std::string& path, Gateway& gw, ReloadResult* result,
                              const ReloadOptions& opts) {
  // A file that cannot be read, or that gatewayd would refuse to start from: nothing changes.
  auto refuse = [&](absl::Status s, absl::string_view error) {
    LogEvent(RTE_LOG_NOTICE, "config_reload_failed",
             {{"file", path}, {"line", "0"}, {"error", error}, {"rolled_back", "no"}});
    if (result != nullptr) *result = ReloadResult{};
    return s;
  };
  if (!opts.insecure_ok)
    if (absl::Status s = CheckConfigFileSafe(path); !s.ok()) return refuse(s, s.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = absl::StrCat("cannot open: ", std::strerror(errno));
    return refuse(absl::NotFoundError(absl::StrCat(path, ": ", why)), why);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ReloadConfigText(ss.str(), path, gw, result, opts);
}

}  // namespace gw::ctl
