#include "control/config_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/command.h"
#include "control/log.h"

namespace gw::ctl {

absl::Status LoadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                            LoadResult* result) {
  size_t line_no = 0;
  size_t applied = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    std::vector<absl::string_view> tokens = Tokenize(line);
    if (tokens.empty()) continue;
    absl::StatusOr<Command> cmd = ParseCommand(tokens);
    absl::Status s = cmd.ok() ? gw.Apply(*cmd) : cmd.status();
    if (!s.ok())
      return absl::Status(s.code(), absl::StrCat(name, ":", line_no, ": ", s.message()));
    // (ops) One line per command at debug; LoadConfigFile says how many at info.
    if (LogEnabled(RTE_LOG_DEBUG))
      LogEvent(RTE_LOG_DEBUG, "command_applied",
               {{"source", absl::StrCat(name, ":", line_no)}, {"command", line}});
    ++applied;
  }
  if (result != nullptr) result->commands = applied;
  return absl::OkStatus();
}

absl::Status LoadConfigFile(const std::string& path, Gateway& gw, LoadResult* result) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  LoadResult r;
  absl::Status s = LoadConfigText(ss.str(), path, gw, &r);
  if (s.ok())  // (ops)
    LogEvent(RTE_LOG_INFO, "config_loaded", {{"file", path}, {"commands", absl::StrCat(r.commands)}});
  if (result != nullptr) *result = r;
  return s;
}

}  // namespace gw::ctl
