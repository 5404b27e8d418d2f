// gwctl's own help: `gwctl --help` and `gwctl help [COMMAND]`, printed without a running gateway.
// The synopses are those of gwctl(8) and gatewayd.conf(5) (docs/man/*.scd); tests/ops/docs_test.py
// checks that every line printed here appears in the rendered man pages.
#pragma once

#include <string>
#include <vector>

namespace gw::ctl {

struct HelpTopic {
  const char* name;                   // link, addr, tunnel, route, neigh, stats, config, help
  std::vector<const char*> synopsis;  // one line each
  const char* text;                   // a paragraph or two
};

const std::vector<HelpTopic>& HelpTopics();

// `gwctl --help`: usage, options, every command's synopsis.
std::string UsageText();
// `gwctl help`: every synopsis; `gwctl help WORD`: that command's synopsis and text (iproute2
// abbreviations work: `gwctl help r`). Empty if WORD names no command.
std::string HelpText(const std::string& word);

}  // namespace gw::ctl
