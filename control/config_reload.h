// `config reload [FILE]`: the --config file read again and the difference to the running
// configuration applied, all of it or none of it.
//
//   0. The file is checked as at startup (CheckConfigFileSafe, unless --config_insecure_ok): one
//      that others could have written is refused.
//   1. Every line parsed first (longer than --max_line: refused, as at startup): a syntax error
//      is "FILE:LINE: message" and nothing changes.
//   2. The file replayed on a model of a fresh gatewayd (control/config_model.h): a line that
//      would fail there (an unknown device, a route that exists, ...) is "FILE:LINE: message" and
//      nothing changes.
//   3. The difference from the running configuration (ConfigModel::FromGateway) to the file's,
//      as commands (control/config_diff.h), applied one by one through Gateway::Apply, the one
//      path every change takes. Workers see each command whole, as for any command; they may see
//      the state between two of them.
//   4. A command that fails (what only the dataplane knows: a full table, a port refusing an MTU)
//      stops it: the difference from where it stopped back to the configuration before is
//      applied, and the error is "FILE:LINE: message" for the line that asked for the command.
//      Afterwards the running configuration is checked against the file's (or, after a failure,
//      the old one).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "control/gateway.h"

namespace gw::ctl {

struct ReloadResult {
  size_t added = 0;
  size_t changed = 0;
  size_t removed = 0;
  // Commands Apply took, including those of a rollback: when not 0 the tunnels (names, ids) may
  // have changed, whatever the outcome.
  size_t applied = 0;
  bool rolled_back = false;
};

// What a file must pass to be loaded at startup, so that a file that reloads also starts.
struct ReloadOptions {
  size_t max_line = 8192;    // --max_line
  bool insecure_ok = false;  // --config_insecure_ok: no CheckConfigFileSafe
};

absl::Status ReloadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                              ReloadResult* result = nullptr, const ReloadOptions& opts = {});
absl::Status ReloadConfigFile(const std::string& path, Gateway& gw, ReloadResult* result = nullptr,
                              const ReloadOptions& opts = {});

// "reloaded FILE: no changes" / "reloaded FILE: N change(s) (A added, C changed, D removed)".
std::string ReloadSummary(const std::string& name, const ReloadResult& r);

}  // namespace gw::ctl
