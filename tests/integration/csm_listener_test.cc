// CsmListener with real datagrams: from a socket in this process (order,
// draining after the sender is done, a burst) and from a real boto3 child
// whose calls go to a closed port (the SDK still reports them).
#include "adapters/aws/csm_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/wire/csm_event.h"

namespace audex {
namespace {

class Sender {
 public:
  explicit Sender(uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address_.sin_port = htons(port);
  }
  ~Sender() { ::close(fd_); }
  void Send(const std::string& text) {
    ASSERT_EQ(::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&address_),
                       sizeof address_),
              static_cast<ssize_t>(text.size()));
  }

 private:
  int fd_;
  sockaddr_in address_{};
};

TEST(CsmListener, BindsALoopbackPortAndKeepsEveryDatagramInOrder) {
  std::atomic<int> observed{0};
  auto listener = CsmListener::Start([&](std::string_view) { ++observed; });
  ASSERT_TRUE(listener) << listener.error().message;
  ASSERT_NE((*listener)->port(), 0);
  Sender sender((*listener)->port());
  for (int i = 0; i < 2000; ++i) sender.Send("datagram " + std::to_string(i));
  // Sent just before Stop: the drain must still pick them up.
  const std::vector<std::string> got = (*listener)->Stop();
  ASSERT_EQ(got.size(), 2000u);
  for (int i = 0; i < 2000; ++i)
    ASSERT_EQ(got[static_cast<size_t>(i)], "datagram " + std::to_string(i));
  EXPECT_EQ(observed.load(), 2000);
  EXPECT_EQ((*listener)->dropped(), 0u);
}

TEST(CsmListener, TwoListenersGetDifferentPorts) {
  auto a = CsmListener::Start();
  auto b = CsmListener::Start();
  ASSERT_TRUE(a && b);
  EXPECT_NE((*a)->port(), (*b)->port());
}

TEST(CsmListener, Boto3ChildReportsItsCalls) {
  if (std::system("python3 -c 'import boto3' 2>/dev/null") != 0) GTEST_SKIP() << "no boto3";
  auto listener = CsmListener::Start();
  ASSERT_TRUE(listener);
  const std::string command =
      "env AWS_CSM_ENABLED=true AWS_CSM_HOST=127.0.0.1 AWS_CSM_PORT=" +
      std::to_string((*listener)->port()) +
      " AWS_CSM_CLIENT_ID=sess-42 AWS_ACCESS_KEY_ID=ASIACSMTEST AWS_SECRET_ACCESS_KEY=x "
      "AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_MAX_ATTEMPTS=1 "
      "python3 -c 'import boto3\n"
      "for op in (lambda c: c.list_tables(), lambda c: c.describe_table(TableName=\"t\")):\n"
      "  try: op(boto3.client(\"dynamodb\"))\n"
      "  except Exception: pass'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::vector<std::string> datagrams = (*listener)->Stop();
  CsmCallCollector collector("sess-42", "ASIACSMTEST");
  for (const std::string& datagram : datagrams) collector.Add(datagram);
  ASSERT_EQ(collector.calls().size(), 2u) << datagrams.size() << " datagrams";
  EXPECT_EQ(collector.calls()[0].service, "DynamoDB");
  EXPECT_EQ(collector.calls()[0].operation, "ListTables");
  EXPECT_EQ(collector.calls()[1].operation, "DescribeTable");
  EXPECT_EQ(collector.malformed(), 0u);
  // The same datagrams under another session's client id count for nothing.
  CsmCallCollector other("sess-43", "ASIACSMTEST");
  for (const std::string& datagram : datagrams) other.Add(datagram);
  EXPECT_TRUE(other.calls().empty());
}

}  // namespace
}  // namespace audex
