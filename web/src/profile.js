// Creators' public pages (issue 31, item 6): /u/<username> from GET /v1/profiles/<username>,
// and on the creator page the form that makes one, with the badge to put on a site.
import { api } from "./api.js";
import { giveMonthly } from "./pledges.js";
import { el, say, sayInvalid, show } from "./dom.js";
import { formatMoney, parseAmount } from "./format.js";
import { platformIcon } from "./icons.js";
import { problemText } from "./problems.js";
import { STRINGS as S } from "./strings.js";

/** Plain text with its web links made links (nothing else is markup: text stays text). */
export function linked(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    parts.push(text.slice(last, match.index), el("a", { href: match[0], rel: "nofollow noopener ugc" }, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== "");
}

/** How far this month's income is towards the goal, in whole percent (at most 100). */
export function goalPercent(receives, goal) {
  const got = Number.parseFloat(receives.amount);
  const wanted = Number.parseFloat(goal.amount);
  return wanted > 0 ? Math.min(100, Math.floor((got * 100) / wanted)) : 0;
}

/** The first letter of ``name`` (a picture's stand-in), upper case; "?" when there is none. */
export function initial(name) {
  const first = [...(name || "").trim()][0];
  return first ? first.toLocaleUpperCase() : "?";
}

/** The picture on a page: the creator's own, else their initial in a circle. */
export function avatar(url, name, id) {
  return url
    ? el("img", { src: url, alt: "", width: "96", height: "96", class: "avatar large", id })
    : el("span", { class: "avatar large initial", "aria-hidden": "true", id }, initial(name));
}

/** A picture file made small in the browser before it is sent (a phone photo weighs
 * megabytes; the server keeps 256 px): the longest side at most ``side``, upright, as PNG,
 * base64. ``null`` when the browser cannot read it as a picture. */
export async function shrunk(file, side = 512) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return null;
  }
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  return blob ? base64Of(blob) : null;
}

async function base64Of(blob) {
  const url = await new Promise((done, failed) => {
    const reader = new FileReader();
    reader.onload = () => done(reader.result);
    reader.onerror = () => failed(reader.error);
    reader.readAsDataURL(blob);
  });
  return String(url).slice(String(url).indexOf(",") + 1);
}

/** The badge snippets a creator copies: Markdown for READMEs, HTML for sites. */
export function badgeSnippets(origin, username) {
  const image = `${origin}/v1/profiles/${username}/badge.svg`;
  const page = `${origin}/u/${username}`;
  return {
    markdown: `[![Flattr ${username}](${image})](${page})`,
    html: `<a href="${page}"><img src="${image}" alt="Flattr ${username}"></a>`,
  };
}

export async function profilePage() {
  const username = decodeURIComponent(location.pathname.slice(3));
  const answer = await api("GET", `/v1/profiles/${encodeURIComponent(username)}`);
  if (!answer.ok) {
    show(el("h1", {}, S.profileMissing), el("p", { class: "empty" }, answer.status === 404 ? S.profileMissingText : problemText(answer, S, formatMoney)));
    return;
  }
  const p = answer.data;
  show(
    el("div", { class: "profile-head" },
      avatar(p.avatar_url, p.display_name, "profile-avatar"),
      el("div", {},
        el("h1", { id: "profile-name" }, p.display_name),
        el("p", { class: "muted" }, `@${p.username}`))),
    p.description ? el("p", { id: "profile-description" }, ...linked(p.description)) : "",
    el("p", { class: "figure", id: "profile-supporters" }, S.profileSupporters(p.supporters)),
    p.receives
      ? el("p", { id: "profile-receives" }, `${S.profileReceives} ${p.receives.map((m) => formatMoney(m)).join(", ")}`)
      : "",
    p.goal
      ? el("div", { id: "profile-goal" },
          el("p", {}, `${S.profileGoal} ${formatMoney(p.goal)}`),
          p.receives
            ? el("progress", { max: "100", value: String(goalPercent(p.receives[0], p.goal)), "aria-label": S.profileGoalProgress }, "")
            : "")
      : "",
    el("h2", {}, S.profileWhere),
    p.recipients.length
      ? el("ul", { class: "plain", id: "profile-recipients" }, p.recipients.map((r) =>
          el("li", {}, platformIcon(r.platform), " ", el("a", { href: r.url, rel: "noopener" }, r.display_name))))
      : el("p", { class: "empty" }, S.profileNoRecipients),
    el("h2", {}, S.profileHow),
    el("p", {}, S.howToFlattrText),
    // Give monthly (issue 35): to the creator through the first place they receive at (every
    // one of them is theirs: the money goes to them whichever it names).
    p.recipients.length ? await giveMonthly(p.recipients[0].key, p.display_name, location.pathname) : "",
  );
}

/** The creator page's section: the public page's settings and the badge to copy. */
export function publicPageSection(me, reload) {
  const message = el("p", { id: "public-message", role: "status" });
  const field = (id, label, value, attributes = {}) => [
    el("label", { for: id }, label),
    el("input", { id, name: id, value: value || "", "aria-describedby": "public-message", ...attributes }),
  ];
  const description = el("textarea", { id: "public-description", rows: "4", maxlength: "2000", "aria-describedby": "public-message" }, me.description || "");
  const income = el("input", { type: "checkbox", id: "public-income", ...(me.public_income ? { checked: "" } : {}) });
  const save = async (event) => {
    event.preventDefault();
    const form = event.target;
    const goalText = form.querySelector("#public-goal").value.trim();
    const goal = goalText ? parseAmount(goalText) : "0";
    if (goal === null) {
      sayInvalid(message, S.topUpInvalid);
      return;
    }
    const answer = await api("PATCH", "/v1/me", {
      username: form.querySelector("#public-username").value.trim(),
      display_name: form.querySelector("#public-display-name").value,
      description: description.value,
      public_income: income.checked,
      goal: { amount: goal }, // in my currency
    });
    if (answer.ok) reload(S.publicSaved);
    else say(message, answer, "");
  };
  const snippets = me.username ? badgeSnippets(location.origin, me.username) : null;
  const picture = me.username ? pictureForm(me, reload) : "";
  return el(
    "section",
    { id: "public-page", "aria-labelledby": "public-title" },
    el("h2", { id: "public-title" }, S.publicTitle),
    el("p", {}, S.publicText),
    el("form", { class: "stacked", onsubmit: save },
      ...field("public-username", S.publicUsername, me.username, { autocomplete: "off", pattern: "[A-Za-z0-9_-]{3,30}" }),
      ...field("public-display-name", S.publicDisplayName, me.display_name, { maxlength: "80" }),
      el("label", { for: "public-description" }, S.publicDescription), description,
      ...field("public-goal", S.publicGoal(me.currency), me.goal ? Number.parseFloat(me.goal.amount).toFixed(2) : "", { inputmode: "decimal" }),
      el("p", {}, income, " ", el("label", { for: "public-income" }, S.publicIncome)),
      el("button", { type: "submit" }, S.publicSave),
      message),
    picture,
    snippets
      ? el("div", { id: "public-links" },
          el("p", {}, `${S.publicAt} `, el("a", { href: `/u/${me.username}`, id: "public-link" }, `${location.origin}/u/${me.username}`)),
          el("p", {}, S.badgeText),
          el("p", {}, el("img", { src: `/v1/profiles/${me.username}/badge.svg`, alt: `Flattr ${me.username}`, id: "badge-preview" })),
          el("pre", { id: "badge-markdown" }, snippets.markdown),
          el("pre", { id: "badge-html" }, snippets.html))
      : "",
  );
}

/** The picture on the public page: chosen from a file (made small here), or removed. */
function pictureForm(me, reload) {
  const message = el("p", { id: "picture-message", role: "status" });
  const input = el("input", {
    type: "file",
    id: "picture-file",
    accept: "image/png,image/jpeg,image/webp,image/gif",
    "aria-describedby": "picture-message picture-hint",
  });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    message.textContent = S.pictureSending;
    const image = (await shrunk(file)) ?? (file.size <= 3_000_000 ? await base64Of(file) : null);
    if (image === null) {
      sayInvalid(message, S.problems.byField.image);
      return;
    }
    const answer = await api("PUT", "/v1/me/avatar", { image });
    if (answer.ok) reload(S.pictureSaved);
    else say(message, answer, "");
  });
  const remove = async () => {
    const answer = await api("DELETE", "/v1/me/avatar");
    if (answer.ok) reload(S.pictureRemoved);
    else say(message, answer, "");
  };
  return el("div", { id: "picture", class: "picture-form" },
    avatar(me.avatar_url, me.display_name || me.username, "picture-preview"),
    el("div", {},
      el("label", { for: "picture-file" }, S.pictureLabel),
      input,
      el("p", { class: "muted", id: "picture-hint" }, S.pictureHint),
      me.avatar_url ? el("button", { type: "button", class: "secondary", id: "picture-remove", onclick: remove }, S.pictureRemove) : "",
      message));
}
