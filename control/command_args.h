// What the parsers of each object's words share (control/command.cc has the core objects',
// tunnel/control/command.cc the tunnel's): the token walker, iproute2's abbreviations, and the
// errors that name the token.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "control/command.h"
#include "control/net.h"

namespace gw::ctl {

// Whether `tok` abbreviates `full` with at least `min_len` characters (iproute2: "a" for add).
inline bool Is(absl::string_view tok, absl::string_view full, size_t min_len) {
  return tok.size() >= min_len && tok.size() <= full.size() && full.substr(0, tok.size()) == tok;
}

// Walks the tokens after the object and verb words.
class Args {
 public:
  explicit Args(const std::vector<absl::string_view>& t, size_t pos) : t_(t), pos_(pos) {}
  bool done() const { return pos_ >= t_.size(); }
  absl::string_view Peek() const { return t_[pos_]; }
  absl::string_view Next() { return t_[pos_++]; }
  // The value after a keyword, or an error naming the keyword.
  absl::StatusOr<absl::string_view> Value(absl::string_view keyword) {
    if (done()) return absl::InvalidArgumentError(absl::StrCat(Quote(keyword), " needs a value"));
    return Next();
  }

 private:
  const std::vector<absl::string_view>& t_;
  size_t pos_;
};

inline absl::Status Unknown(absl::string_view tok, absl::string_view where) {
  return absl::InvalidArgumentError(absl::StrCat("unknown word ", Quote(tok), " in ", where));
}

// An interface name as Linux allows it: 1..15 characters, letters, digits, _ - .
absl::Status ValidIfName(absl::string_view name);

// lhs = the value of a StatusOr, or return its error.
#define GW_ASSIGN(lhs, expr)          \
  do {                                \
    auto _v = (expr);                 \
    if (!_v.ok()) return _v.status(); \
    lhs = *std::move(_v);             \
  } while (0)

// The feature objects' parsers, called by ParseCommand with the tokens after the object word.
absl::StatusOr<Command> ParseTunnel(Args& a);  // tunnel/control/command.cc

}  // namespace gw::ctl
