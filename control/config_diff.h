// The difference between two configurations (control/config_model.h) as commands of the
// language, in an order in which each one applies: what `config reload` applies to go from the
// running configuration to the file's, and, when a command fails, back.
//
//   1. neigh del                neighbours the target has not
//   2. tunnel del               tunnels it has not, and those `tunnel change` cannot turn into
//                               the target's (a `dev` removed, a set MTU back to its default, a
//                               swap of endpoints): deleted here, added again in 6
//   3. addr del                 from the first address whose place or connected route differs
//                               on (an address is added at the end: the order is the target's
//                               only if those after a re-added one are re-added too)
//   4. route del                routes it has not, connected routes an address must make again
//   5. link set PORT            MTU and state (before 6: a tunnel's default MTU is its port's)
//   6. tunnel add / change      in an order where no two tunnels hold the same endpoints;
//      link set TUNNEL          then the tunnels' MTU and state
//   7. addr add                 in the target's order, each with the connected route it made
//                               there (`route del` of one it did not make)
//   8. route add / replace      what is left different; `onlink` where `route show` says it
//   9. neigh add / replace
//
// Each phase is computed on the state the previous ones leave (the difference is replayed on a
// copy of `from`), so nothing is deleted twice (a tunnel's routes go with it). The result is
// checked before it is returned: replayed on `from` it must give `to`'s Canonical(); when the
// phases above cannot reach it (corner cases of which address made which connected route), every
// address is deleted and added again; failing that too, the diff is an error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control/command.h"
#include "control/config_model.h"

namespace gw::ctl {

struct DiffCommand {
  enum class Kind { kAdded, kChanged, kRemoved };
  std::string text;  // a line of the command language
  Command command;   // `text`, parsed
  size_t line = 0;   // the line of `to`'s file the command comes from (0: none)
  Kind kind = Kind::kChanged;  // by verb: add; del; change, replace, link set
};

struct ConfigDiff {
  std::vector<DiffCommand> commands;
  size_t added = 0;
  size_t changed = 0;
  size_t removed = 0;
};

// Commands that turn `from` into `to` (empty when Canonical() is the same).
absl::StatusOr<ConfigDiff> DiffConfigs(const ConfigModel& from, const ConfigModel& to);

// The first line where two Canonical() texts differ, as "-OLD / +NEW", for error messages.
std::string FirstDifference(const std::string& a, const std::string& b);

}  // namespace gw::ctl
