// control/config_file: a file of commands, applied line by line; the first failing line stops the
// load with "NAME:LINE: what is wrong with which token".
#include "control/config_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "control/request.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;

using ConfigFileTest = GatewayFixture;

constexpr const char* kSeedConf = R"(# node 1 of the seed article
ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
ip link set tun1 up
ip a add 10.10.100.10 peer 10.10.200.10 dev tun1

addr add 10.65.132.187/24 dev port0   # underlay
	addr add 10.10.100.1/24 dev port1
route add 10.10.200.0/24 dev tun1
neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0
neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1
)";

TEST_F(ConfigFileTest, AppliesEveryCommandSkippingCommentsAndBlankLines) {
  ctl::LoadResult r;
  r.commands = 99;
  ASSERT_TRUE(ctl::LoadConfigText(kSeedConf, "gw.conf", *gw_, &r).ok());
  EXPECT_EQ(r.commands, 8u);
  EXPECT_EQ(Nh4("10.10.200.77").kind, dp::NhKind::kTunnel);
  EXPECT_EQ(NhId4("10.10.100.10"), dp::kNhLocal);
  EXPECT_TRUE(tables_->tunnels.Get(0)->up);
  EXPECT_EQ(Neigh4(1, "10.10.100.2"), MacWord({0x52, 0x54, 0x00, 0x0a, 0x64, 0x02}));
}

TEST_F(ConfigFileTest, CrLfLineEndingsAreAccepted) {
  ctl::LoadResult r;
  ASSERT_TRUE(ctl::LoadConfigText("addr add 10.65.132.187/24 dev port0\r\nlink set port0 up\r\n",
                                   "dos.conf", *gw_, &r)
                  .ok());
  EXPECT_EQ(r.commands, 2u);
  EXPECT_EQ(NhId4("10.65.132.187"), dp::kNhLocal);
}

TEST_F(ConfigFileTest, NothingButCommentsIsAnEmptyConfig) {
  ctl::LoadResult r;
  r.commands = 99;
  ASSERT_TRUE(ctl::LoadConfigText("# nothing\n\n   \n", "empty.conf", *gw_, &r).ok());
  EXPECT_EQ(r.commands, 0u);
  ASSERT_TRUE(ctl::LoadConfigText("", "empty.conf", *gw_, &r).ok());
  EXPECT_EQ(r.commands, 0u);
}

TEST_F(ConfigFileTest, AParseErrorNamesFileLineAndToken) {
  const absl::Status s = ctl::LoadConfigText(
      "addr add 10.65.132.187/24 dev port0\n"
      "# a comment counts as a line\n"
      "tunnel add tun1 remote 10.0.0.300 local 10.65.132.187\n"
      "addr add 10.10.100.1/24 dev port1\n",
      "test.conf", *gw_);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "test.conf:3: bad IP address \"10.0.0.300\"");
  // Lines before the error stay applied; nothing after it is.
  EXPECT_EQ(NhId4("10.65.132.187"), dp::kNhLocal);
  EXPECT_EQ(NhId4("10.10.100.1"), dp::kNhNone);
  EXPECT_EQ(GwTunnel("tun1"), nullptr);
}

TEST_F(ConfigFileTest, AnApplyErrorKeepsItsCodeAndGetsTheLine) {
  ctl::LoadResult r;
  r.commands = 99;
  const absl::Status s = ctl::LoadConfigText(
      "addr add 10.65.132.187/24 dev port0\n"
      "route add 10.20.0.0/16 dev port9\n",
      "gw.conf", *gw_, &r);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "gw.conf:2: unknown device \"port9\"");
  EXPECT_EQ(NhId4("10.20.1.5"), dp::kNhNone);
}

TEST_F(ConfigFileTest, LoadsAFileAndNamesItInErrors) {
  const std::string path = absl::StrCat(::testing::TempDir(), "gwunit_", getpid(), ".conf");
  {
    std::ofstream f(path);
    f << "addr add 10.65.132.187/24 dev port0\nneigh add 10.65.132.188 lladdr 01:00:5e:00:00:01 "
         "dev port0\n";
  }
  const absl::Status s = ctl::LoadConfigFile(path, *gw_);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            absl::StrCat(path, ":2: lladdr \"01:00:5e:00:00:01\" is not a unicast MAC address"));
  EXPECT_EQ(NhId4("10.65.132.187"), dp::kNhLocal);
  {
    std::ofstream f(path);
    f << kSeedConf;
  }
  // Lines 2-4 apply; line 6 gives 10.65.132.187 a second time.
  const absl::Status again = ctl::LoadConfigFile(path, *gw_);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.message(),
            absl::StrCat(path, ":6: address 10.65.132.187 is already assigned to port0"));
  EXPECT_EQ(Nh4("10.10.200.10").kind, dp::NhKind::kTunnel);
  unlink(path.c_str());
}

TEST_F(ConfigFileTest, AFileThatIsNotThereIsNotFound) {
  const std::string path = absl::StrCat(::testing::TempDir(), "gwunit_missing_", getpid(), ".conf");
  const absl::Status s = ctl::LoadConfigFile(path, *gw_);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), absl::StrCat(path, ": cannot open: No such file or directory"));
}

TEST_F(ConfigFileTest, ALineLongerThanMaxLineStopsTheLoadWithItsNumber) {
  ctl::LoadOptions lo;
  lo.max_line = 64;
  const std::string ok_line = "addr add 10.65.132.187/24 dev port0" + std::string(29, ' ');
  ASSERT_EQ(ok_line.size(), 64u);
  ctl::LoadResult r;
  // 64 bytes, and a CR before the newline is not counted.
  ASSERT_TRUE(ctl::LoadConfigText(ok_line + "\r\n", "gw.conf", *gw_, &r, lo).ok());
  EXPECT_EQ(r.commands, 1u);
  const absl::Status s = ctl::LoadConfigText(
      "route add 10.20.0.0/16 dev port0\n# " + std::string(63, 'x') + "\n", "gw.conf", *gw_, &r, lo);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "gw.conf:2: line longer than 64 bytes (--max_line)");
  EXPECT_EQ(Nh4("10.20.1.1").kind, dp::NhKind::kPort);  // line 1 applied, as any error leaves it
}

TEST(ConfigFileSafety, RefusesWhatOthersCouldWrite) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "gwunit_safe_", getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  const std::string path = dir + "/gw.conf";
  { std::ofstream f(path); f << "link set port0 up\n"; }
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  EXPECT_TRUE(ctl::CheckConfigFileSafe(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0664), 0);  // group write: trusted like the socket's group
  EXPECT_TRUE(ctl::CheckConfigFileSafe(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0646), 0);
  absl::Status s = ctl::CheckConfigFileSafe(path);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), absl::StrCat(path, ": refused: the file is world-writable (anyone who can "
                                            "write it controls the gateway; fix the modes, or "
                                            "--config_insecure_ok)"));
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
  s = ctl::CheckConfigFileSafe(path);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find(absl::StrCat("directory ", dir,
                                          " is world-writable without the sticky bit")),
            absl::string_view::npos)
      << s.message();
  ASSERT_EQ(chmod(dir.c_str(), 01777), 0);
  EXPECT_TRUE(ctl::CheckConfigFileSafe(path).ok());
  s = ctl::CheckConfigFileSafe(dir);
  EXPECT_NE(s.message().find("not a regular file"), absl::string_view::npos) << s.message();
  s = ctl::CheckConfigFileSafe(dir + "/missing.conf");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  unlink(path.c_str());
  rmdir(dir.c_str());
}

TEST(RequestSyntax, ChecksChangesAsTheDaemonParsesThemAndLetsReadsThrough) {
  EXPECT_TRUE(ctl::CheckRequestSyntax("route add 10.0.0.0/8 dev port0").ok());
  EXPECT_TRUE(ctl::CheckRequestSyntax("-j route show").ok());
  EXPECT_TRUE(ctl::CheckRequestSyntax("stats").ok());
  EXPECT_TRUE(ctl::CheckRequestSyntax("config save /tmp/x").ok());
  EXPECT_TRUE(ctl::CheckRequestSyntax("tunnel show t1").ok());
  // A state-dependent failure is not a syntax error: the daemon finds it.
  EXPECT_TRUE(ctl::CheckRequestSyntax("route add 10.0.0.0/8 dev nosuchdev").ok());
  EXPECT_EQ(ctl::CheckRequestSyntax("route add 10.0.0.0/33 dev port0").message(),
            "bad prefix length in \"10.0.0.0/33\" (IPv4 takes 0..32)");
  EXPECT_EQ(ctl::CheckRequestSyntax("route add 10.0.0.0/8 dev port0 bogus").message(),
            "unknown word \"bogus\" in route");
  EXPECT_EQ(ctl::CheckRequestSyntax(absl::string_view("link\0show", 9)).message(),
            "request holds control characters");
  EXPECT_EQ(ctl::CheckRequestSyntax("  # nothing").message(), "empty command");
}

}  // namespace
}  // namespace gw::testing
