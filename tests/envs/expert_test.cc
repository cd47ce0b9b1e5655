#include "envs/expert.h"

#include <cstdlib>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "envs/task_spec.h"

namespace fb::envs {
namespace {

// Episodes per task x embodiment; FB_EXPERT_EPISODES raises it for the full table.
int EpisodesPerCell() {
  const char* env = std::getenv("FB_EXPERT_EPISODES");
  return env != nullptr && *env != '\0' ? std::atoi(env) : 8;
}

// The success table of the scripted expert on the `id` split of the spatial suite.
TEST(ScriptedExpertTest, SpatialSuccessTable) {
  const SuiteConfig suite = LoadSuite("spatial");
  const int episodes = EpisodesPerCell();
  int total = 0, successes = 0;
  std::string table = fmt::format("\nexpert success, split id, {} episodes per cell\n{:<34}", episodes, "task");
  for (const std::string& embodiment : suite.embodiments) table += fmt::format("{:>12}", embodiment);
  table += '\n';
  for (const std::string& task : suite.tasks) {
    table += fmt::format("{:<34}", task);
    for (const std::string& embodiment : suite.embodiments) {
      const auto spec = EnvSpec::Create("spatial", task, embodiment);
      const ScriptedExpert expert(*spec);
      EpisodeState state;
      int ok = 0;
      for (int i = 0; i < episodes; ++i) {
        const EpisodeId id{"spatial", task, "id", embodiment, i, static_cast<uint64_t>(i)};
        const StepResult result = RunExpertEpisode(*spec, expert, id, state);
        ok += result.success_once ? 1 : 0;
        if (!result.success_once) {
          std::printf("  failed: %s (%s at step %d)\n", id.ToString().c_str(), FailureName(result.failure).c_str(),
                      result.step);
        }
      }
      total += episodes;
      successes += ok;
      table += fmt::format("{:>12}", fmt::format("{}/{}", ok, episodes));
    }
    table += '\n';
  }
  table += fmt::format("overall {}/{} = {:.1f}%\n", successes, total, 100.0 * successes / total);
  std::printf("%s", table.c_str());
  EXPECT_GE(successes, 0.95 * total);
}

}  // namespace
}  // namespace fb::envs
