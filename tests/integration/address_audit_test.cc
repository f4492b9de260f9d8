// The kernel's addresses and the daemons' view agree: an address taken from its holder
// behind the daemon's back answers again from the same node; a public address added on a
// node that does not hold it is removed. 3 nodes x 2 public interfaces x 3 groups; group
// g<i> is 198.51.100.(10+i)@eth1 and 203.0.113.(10+i)@eth2.
#include <algorithm>
#include <charconv>

#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::FailoverClock;

// The value of a counter in `tandem metrics` (Prometheus text), or -1 if absent.
double metric(const ToolOutput& metrics, const std::string& name) {
  const std::string line_start = "\n" + name + " ";
  const auto at = metrics.out.find(line_start);
  if (at == std::string::npos) return -1;
  const char* first = metrics.out.data() + at + line_start.size();
  double value = -1;
  std::from_chars(first, metrics.out.data() + metrics.out.size(), value);
  return value;
}

bool holds(const std::vector<std::string>& addresses, const std::string& entry) {
  return std::find(addresses.begin(), addresses.end(), entry) != addresses.end();
}

class AddressAudit : public LabTest {};

TEST_F(AddressAudit, AHeldAddressDeletedBehindTheDaemonsBackAnswersAgainFromTheSameNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const IpAddress address = ip("198.51.100.10");
  auto before = probe().latest(address);
  ASSERT_TRUE(before && before->answer);
  const std::string node = node_of(*before->answer);

  auto interface = lab().delete_address(node, address);
  ASSERT_TRUE(interface.ok()) << interface.error().message();
  FailoverClock clock(probe());
  clock.mark_fault();
  auto answered = clock.wait(address, kInterfaceMoveLimit, answer_is(node + " " + *interface));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  RecordProperty("answered_again_ms", std::to_string(answered->duration().count()));  // a figure, not a check
  EXPECT_TRUE(
      wait_until(kInterfaceMoveLimit, [&] { return holds(addresses_on(node), "198.51.100.10 " + *interface); }));
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }))
      << places_text(groups_from_client());
  const ToolOutput metrics = tandem(node, {"metrics"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_EQ(metric(metrics, "tandem_addresses_restored_total"), 1.0) << metrics.out;
}

TEST_F(AddressAudit, AForeignPublicAddressAddedOnANodeThatDoesNotHoldItIsRemoved) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string holder = groups_from_client().at("g0");
  const std::string other = nodes_but(holder).front();
  ASSERT_TRUE(lab().ip(other, {"addr", "add", "198.51.100.10/24", "dev", "eth2"}).ok());
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return !holds(addresses_on(other), "198.51.100.10 eth2"); }))
      << "the foreign address stayed on " << other;
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == holder; }))
      << places_text(groups_from_client());
  const ToolOutput metrics = tandem(other, {"metrics"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_EQ(metric(metrics, "tandem_foreign_addresses_removed_total"), 1.0) << metrics.out;
}

}  // namespace
}  // namespace tandem::integration
