// The event's short name (slug) follows its name while the organiser has not typed one; a name
// with no Latin letters or digits (a Korean name) gives none, so the hint asks for one instead.
const NOT_LATIN = /(?=\p{L})\P{Script=Latin}/u;

export function slugFromName(text) {
  // Latin leftovers of a Korean name ("한국 IT 박람회" -> "it") make a poor address: none at all.
  if (NOT_LATIN.test(text || "")) return "";
  return (text || "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // "Café" -> "Cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

function wire() {
  const slug = document.getElementById("id_slug");
  const hint = document.querySelector("[data-slug-hint]");
  if (!slug) return;
  const names = Array.from(document.querySelectorAll("input[name^='name_']")); // one box per language
  let touched = slug.value.trim() !== ""; // editing an event, or the organiser typed one
  slug.addEventListener("input", () => {
    touched = slug.value.trim() !== "";
  });
  const follow = () => {
    if (touched) return;
    const typed = names.filter((box) => box.value.trim());
    const made = typed.map((box) => slugFromName(box.value)).find(Boolean) || "";
    slug.value = made;
    if (hint) hint.hidden = !(typed.length && !made);
  };
  names.forEach((box) => box.addEventListener("input", follow));
}

if (typeof document !== "undefined") wire();
