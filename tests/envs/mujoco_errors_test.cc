#include "envs/mujoco_errors.h"

#include <cmath>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "envs/model_loader.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

constexpr char kBall[] = R"(
<mujoco>
  <worldbody>
    <body><freejoint/><geom type="sphere" size="0.1"/></body>
  </worldbody>
</mujoco>)";

TEST(MujocoErrorsTest, ErrorThrowsThroughMujocoFrames) {
  InstallMujocoHandlers();
  try {
    mju_error_i("fasterbench test error %d", 3);
    FAIL() << "mju_error returned";
  } catch (const MujocoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("MuJoCo: fasterbench test error 3"));
  }
}

TEST(MujocoErrorsTest, EngineErrorLeavesDataUsableAfterReset) {
  ModelPtr m = LoadModelFromString(kBall, "ball");
  DataPtr d = MakeData(m.get());
  // Raised deep inside the engine: the stack allocator runs out of space.
  EXPECT_THROW(mj_stackAlloc(d.get(), static_cast<int>(d->nstack) + 1), MujocoError);
  mj_resetData(m.get(), d.get());
  for (int i = 0; i < 100; ++i) mj_step(m.get(), d.get());
  EXPECT_LT(d->qpos[2], 0.0);  // falling freely
  EXPECT_EQ(DataWarningCount(d.get()), 0);
}

TEST(MujocoErrorsTest, WarningsAreCountedPerThreadAndInData) {
  ModelPtr m = LoadModelFromString(kBall, "ball");
  DataPtr d = MakeData(m.get());
  ResetThreadWarningCount();
  d->qpos[0] = std::nan("");
  mj_step(m.get(), d.get());  // mj_checkPos warns, counts and resets the state
  EXPECT_EQ(DataWarningCount(d.get()), 1);
  EXPECT_EQ(d->warning[mjWARN_BADQPOS].number, 1);
  EXPECT_EQ(ThreadWarningCount(), 1);
  int64_t other_thread = -1;
  std::thread([&] { other_thread = ThreadWarningCount(); }).join();
  EXPECT_EQ(other_thread, 0);
  ResetThreadWarningCount();
  EXPECT_EQ(ThreadWarningCount(), 0);
}

}  // namespace
}  // namespace fb::envs
