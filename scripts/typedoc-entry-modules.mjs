// A TypeDoc plugin: name each entry point's module by its import path (`marketmux/kalshi`,
// not `providers/kalshi`) and give it its description, both from typedoc.json's
// `entryModules` ({ "<name TypeDoc derives from the path>": { "name": …, "summary": … } }).
// The entry files stay plain re-exports: their names and words live with the docs config.
import { Comment, Converter, ParameterType, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.options.addDeclaration({ name: 'entryModules', help: 'Import-path name and summary of each entry module', type: ParameterType.Mixed, defaultValue: {} });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    /** @type {Record<string, { name: string; summary: string }>} */
    const wanted = app.options.getValue('entryModules');
    const modules = context.project.getChildrenByKind(ReflectionKind.Module);
    const unknown = Object.keys(wanted).filter((from) => !modules.some((m) => m.name === from));
    if (unknown.length) app.logger.error(`entryModules: no entry module named ${unknown.join(', ')} (there are ${modules.map((m) => m.name).join(', ')})`);
    for (const module of modules) {
      const entry = wanted[module.name];
      if (!entry) {
        app.logger.error(`entryModules: the entry module ${module.name} has no import-path name`);
        continue;
      }
      module.name = entry.name;
      module.comment = new Comment([{ kind: 'text', text: entry.summary }]);
    }
  });
}
