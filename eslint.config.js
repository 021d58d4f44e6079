// One linter, not hand-tuned: typescript-eslint's recommended set (docs/DEVELOPMENT.md, Principles).
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.tap/', 'coverage/', 'public/assets/js/'] },
  ...tseslint.configs.recommended
)
