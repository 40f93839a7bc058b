module.exports = { databases: [] };
