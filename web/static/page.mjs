// What the explorer's modules share: the page's data (the catalogues,
// scenes, lesson and embed options the server wrote into #saddle-data)
// and the look-ups on it.

export const DATA = JSON.parse(document.getElementById('saddle-data').textContent);
export const $ = (id) => document.getElementById(id);
export const objInfo = (id) => DATA.objectives.find((o) => o.id === id);
export const optInfo = (id) => DATA.optimizers.find((o) => o.id === id);
