#include "control/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/command.h"
#include "control/log.h"

namespace gw::ctl {

absl::Status LoadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                            LoadResult* result, const LoadOptions& opts) {
  size_t line_no = 0;
  size_t applied = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > opts.max_line)
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": line longer than ",
                                                     opts.max_line, " bytes (--max_line)"));
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

absl::Status LoadConfigFile(const std::string& path, Gateway& gw, LoadResult* result,
                            const LoadOptions& opts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  LoadResult r;
  absl::Status s = LoadConfigText(ss.str(), path, gw, &r, opts);
  if (s.ok())  // (ops)
    LogEvent(RTE_LOG_INFO, "config_loaded", {{"file", path}, {"commands", absl::StrCat(r.commands)}});
  if (result != nullptr) *result = r;
  return s;
}

absl::Status CheckConfigFileSafe(const std::string& path) {
  auto insecure = [&path](absl::string_view what) {
    return absl::PermissionDeniedError(absl::StrCat(
        path, ": refused: ", what,
        " (anyone who can write it controls the gateway; fix the modes, or --config_insecure_ok)"));
  };
  char real[PATH_MAX];
  if (realpath(path.c_str(), real) == nullptr)
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  const uid_t me = geteuid();
  auto trusted_owner = [me](uid_t u) { return u == 0 || u == me; };
  struct stat st{};
  if (stat(real, &st) != 0)
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return insecure("not a regular file");
  if (st.st_mode & S_IWOTH) return insecure("the file is world-writable");
  if (!trusted_owner(st.st_uid))
    return insecure(absl::StrCat("the file is owned by uid ", st.st_uid,
                                 ", neither root nor the daemon's user"));
  // Every directory from the file's up to /: whoever may rename entries in one may swap the file.
  std::string dir = real;
  while (true) {
    const size_t slash = dir.rfind('/');
    if (slash == std::string::npos) break;
    dir.resize(slash == 0 ? 1 : slash);
    if (stat(dir.c_str(), &st) != 0)
      return absl::NotFoundError(absl::StrCat(dir, ": cannot stat: ", std::strerror(errno)));
    if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
      return insecure(absl::StrCat("directory ", dir, " is world-writable without the sticky bit"));
    if (!trusted_owner(st.st_uid))
      return insecure(absl::StrCat("directory ", dir, " is owned by uid ", st.st_uid,
                                   ", neither root nor the daemon's user"));
    if (dir == "/") break;
  }
  return absl::OkStatus();
}

}  // namespace gw::ctl
