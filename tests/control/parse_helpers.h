// What the command-language tests share: a line through Tokenize and ParseCommand, the one
// error it must give, and addresses written the way commands write them.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "control/command.h"

namespace gw::ctl {

inline absl::StatusOr<Command> Parse(absl::string_view line) { return ParseCommand(Tokenize(line)); }

// The line must fail with exactly this message.
inline void ExpectError(absl::string_view line, const std::string& message) {
  auto c = Parse(line);
  ASSERT_FALSE(c.ok()) << "accepted: " << line;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << line;
  EXPECT_EQ(c.status().message(), message) << line;
}

inline IpAddr Ip(absl::string_view s) {
  auto a = ParseIp(s);
  EXPECT_TRUE(a.ok()) << s;
  return *a;
}

}  // namespace gw::ctl
