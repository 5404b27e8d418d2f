// Loading a file of commands: the --config file at start, `gwctl --batch` later. Stops at the
// first line that fails, with "FILE:LINE: what is wrong with which token".
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "control/gateway.h"

namespace gw::ctl {

struct LoadResult {
  size_t commands = 0;  // commands applied
};

struct LoadOptions {
  size_t max_line = 8192;  // bytes in one line, its newline (and a CR before it) not counted
};

absl::Status LoadConfigFile(const std::string& path, Gateway& gw, LoadResult* result = nullptr,
                            const LoadOptions& opts = {});

// The same, over text already in memory; `name` is what errors call it.
absl::Status LoadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                            LoadResult* result = nullptr, const LoadOptions& opts = {});

// Whether a config file may be trusted, as sshd's StrictModes judges its files: whoever can write
// the file, or replace it, decides what the gateway does. Refused, with a one-line message naming
// the path: a file that is not a regular file, is world-writable, or is owned by a user other
// than root and the daemon's own; a directory on its path (symbolic links resolved) that is
// owned by such a user, or is world-writable without the sticky bit (/tmp, sticky, is fine).
// Group write is allowed: the group that may write the config is trusted like the group of the
// control socket.
absl::Status CheckConfigFileSafe(const std::string& path);

}  // namespace gw::ctl
