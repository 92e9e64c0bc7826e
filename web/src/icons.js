// Platforms' marks from simple-icons (a kept, CC0 icon set), drawn as inline SVG built with
// DOM calls (no HTML strings), in the text's colour so that light and dark both show them.
import {
  si500px,
  siBluesky,
  siFacebook,
  siFlickr,
  siGithub,
  siGitlab,
  siInstagram,
  siMastodon,
  siMedium,
  siReddit,
  siSoundcloud,
  siTumblr,
  siTwitch,
  siVimeo,
  siYoutube,
} from "simple-icons";

const MARKS = {
  "500px": si500px,
  bluesky: siBluesky,
  facebook: siFacebook,
  flickr: siFlickr,
  github: siGithub,
  gitlab: siGitlab,
  instagram: siInstagram,
  mastodon: siMastodon,
  medium: siMedium,
  reddit: siReddit,
  soundcloud: siSoundcloud,
  tumblr: siTumblr,
  twitch: siTwitch,
  vimeo: siVimeo,
  youtube: siYoutube,
};

const SVG = "http://www.w3.org/2000/svg";

/** The platform's mark, or null for a platform the set has none for (its name says it). */
export function platformIcon(platform) {
  const mark = MARKS[platform];
  if (!mark) return null;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", mark.path);
  svg.append(path);
  return svg;
}

export const PLATFORMS_WITH_MARKS = Object.keys(MARKS);
