// Reproduction of the tutorial's user model: no indexes, no constraints.
const mongoose = require('mongoose');

const UserSchema = new mongoose.Schema({
  name: String,
  email: String,
  password: String,
});
mongoose.model('User', UserSchema);

module.exports = mongoose.model('User');
