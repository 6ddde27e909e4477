/**
 * The apps of issue 22's second round (docs/variants.md): three variants and two base apps
 * outside the quick run; tests/integration/new-apps.test.ts holds each to the app contract.
 */
export const NEW_APPS = ['django-asgi', 'django-ninja', 'litestar', 'flask-sqlalchemy', 'starlette-granian'];
