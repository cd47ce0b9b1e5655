// Episode videos of an evaluation run: which episodes get one (a choice fixed by the episode
// list, so it does not depend on workers or completion order), where they go, and encoding
// the frames an episode kept in memory once it is over.
#pragma once

#include <filesystem>
#include <vector>

#include "envs/env.h"

namespace fb::eval {

// For each position of `episodes`: true for the first `per_task` init indices, ascending, of
// each task (suite/task/split/embodiment).
std::vector<bool> SelectVideoEpisodes(const std::vector<envs::EpisodeId>& episodes, int per_task);

// "videos/<suite>/<task>/<split>/<embodiment>/init<k>-seed<s>.mp4", relative to the run
// directory: the identity, never the outcome, so a rerun overwrites the same file.
std::filesystem::path EpisodeVideoPath(const envs::EpisodeId& id);

// Encodes `frames` (equal sizes) as an MP4 (mp4v) at `fps` into `path`, through a temporary
// file renamed onto it. Throws std::runtime_error when there are no frames or OpenCV cannot
// write the file.
void WriteEpisodeVideo(const std::vector<envs::RgbImage>& frames, double fps, const std::filesystem::path& path);

}  // namespace fb::eval
