// Fuzz target: the command language (control/command.cc, the features' words) and Gateway::Apply,
// over small real tables with the walk target's configuration (less its IPv4 default route:
// ConfigBase) as the starting state (put back after every input). Byte 0 chooses:
//   even: the rest is one command line: ctl::Tokenize + ctl::ParseCommand, then Apply;
//   odd:  the rest is a config file: ctl::LoadConfigText.
// Invariants: no crash; a refusal is an error whose message is one non-empty line; one that says
// a token is unknown or bad quotes a token of the refused line; a refused command
// leaves the configuration (Gateway::ConfigText) as it was; in a file, the message starts with
// "NAME:LINE: " and the line it names, applied again on its own, is refused the same way (the
// lines before it were applied, it changed nothing).
#include <cstdint>
#include <iterator>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/fuzz/fuzz_env.h"

namespace gw::fuzz {
namespace {

GatewayEnv* g_env;

// One line, non-empty, and what it quotes ("X") is something the command line holds.
void CheckRefusal(absl::string_view msg, absl::string_view line, const std::string& where) {
  FUZZ_CHECK(!msg.empty(), where + ": empty error message");
  FUZZ_CHECK(msg.find('\n') == absl::string_view::npos,
             where + ": error message of several lines: " + std::string(msg));
  FUZZ_CHECK(msg.size() >= 8, where + ": error message says nothing: " + std::string(msg));
  // A message that says a token is unknown or bad ("unknown word \"X\"", "bad prefix \"X\"", ...)
  // quotes one of the line. (Other messages say what is wrong and may quote advice: link:
  // expected "set", add "onlink".)
  if (absl::StartsWith(msg, "unknown ") || absl::StartsWith(msg, "bad ")) {
    const size_t q = msg.find('"');
    const size_t e = q == absl::string_view::npos ? q : msg.find('"', q + 1);
    FUZZ_CHECK(e != absl::string_view::npos, where + ": names no token: " + std::string(msg));
    FUZZ_CHECK(absl::StrContains(line, msg.substr(q + 1, e - q - 1)),
               where + ": the token it names is not in the line: " + std::string(msg));
  }
}

void OneLine(absl::string_view line) {
  const std::string before = g_env->gw().ConfigText();
  const auto tokens = ctl::Tokenize(line);
  auto cmd = ctl::ParseCommand(tokens);
  if (tokens.empty()) return;
  const absl::Status s = cmd.ok() ? g_env->gw().Apply(*cmd) : cmd.status();
  if (s.ok()) return;
  CheckRefusal(s.message(), line, "command");
  FUZZ_CHECK(g_env->gw().ConfigText() == before,
             "a refused command changed the configuration: " + std::string(s.message()));
}

void File(absl::string_view text) {
  ctl::LoadResult r;
  const absl::Status s = ctl::LoadConfigText(text, "fuzz.conf", g_env->gw(), &r);
  if (s.ok()) return;
  const absl::string_view msg = s.message();
  FUZZ_CHECK(absl::StartsWith(msg, "fuzz.conf:"), "file error without its name: " + std::string(msg));
  const size_t colon = msg.find(':', 10);
  FUZZ_CHECK(colon != absl::string_view::npos, "file error without a line: " + std::string(msg));
  size_t line_no = 0;
  FUZZ_CHECK(absl::SimpleAtoi(msg.substr(10, colon - 10), &line_no) && line_no >= 1,
             "bad line number: " + std::string(msg));
  FUZZ_CHECK(absl::StartsWith(msg.substr(colon), ": "), "no \": \" after the line: " +
                                                            std::string(msg));
  // The line it names.
  absl::string_view rest = text;
  for (size_t i = 1; i < line_no; ++i) {
    const size_t nl = rest.find('\n');
    FUZZ_CHECK(nl != absl::string_view::npos, "line number past the end: " + std::string(msg));
    rest.remove_prefix(nl + 1);
  }
  const absl::string_view line = rest.substr(0, rest.find('\n'));
  const absl::string_view why = msg.substr(colon + 2);
  CheckRefusal(why, line, "file");
  const std::string before = g_env->gw().ConfigText();
  const absl::Status again = g_env->Run(line);
  FUZZ_CHECK(!again.ok() && again.message() == why,
             absl::StrCat("line ", line_no, " refused as \"", why, "\" in the file, but alone: ",
                          again.ToString()));
  FUZZ_CHECK(g_env->gw().ConfigText() == before, "a refused line changed the configuration");
}

}  // namespace
}  // namespace gw::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace gw::fuzz;  // NOLINT
  InitEal("config");
  g_env = new GatewayEnv(ConfigBase());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gw::fuzz;  // NOLINT
  if (size < 1 || size > 8192) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    if (text.find('\n') != absl::string_view::npos) return -1;  // (one line)
    OneLine(text);
  } else {
    File(text);
  }
  g_env->Reset();
  return 0;
}
