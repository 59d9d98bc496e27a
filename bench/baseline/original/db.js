// Reproduction of the tutorial's db.js: one mongoose connection per container, reused while it lives.
const mongoose = require('mongoose');

let isConnected;

function connectToDatabase() {
  if (isConnected) {
    console.log('=> using existing database connection');
    return Promise.resolve();
  }
  console.log('=> using new database connection');
  return mongoose.connect(process.env.DB).then((db) => {
    isConnected = db.connections[0].readyState;
  });
}

module.exports = connectToDatabase;
